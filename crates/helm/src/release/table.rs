//! Helm's printed forms of releases: the `helm list` table (gosuri/uitable: every cell padded
//! to its column's width, cells joined by a tab) and the status block `helm install` prints.

use super::record::Release;
use crate::funcs::sprig::date::Time;

/// `helm list`'s table, header included, ending with a newline.
pub fn list_table(releases: &[Release]) -> String {
    let mut rows: Vec<Vec<String>> = vec![[
        "NAME",
        "NAMESPACE",
        "REVISION",
        "UPDATED",
        "STATUS",
        "CHART",
        "APP VERSION",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect()];
    for r in releases {
        let updated = if r.last_deployed == 0 {
            "-".to_string()
        } else {
            Time {
                secs: r.last_deployed,
                nanos: 0,
            }
            .go_string()
        };
        rows.push(vec![
            r.name.clone(),
            r.namespace.clone(),
            r.revision.to_string(),
            updated,
            r.status.as_str().to_string(),
            r.chart(),
            r.app_version.clone(),
        ]);
    }
    let mut widths = vec![0; rows[0].len()];
    for row in &rows {
        for (i, c) in row.iter().enumerate() {
            widths[i] = widths[i].max(c.chars().count());
        }
    }
    let mut out = String::new();
    for row in &rows {
        let cells: Vec<String> = row
            .iter()
            .enumerate()
            .map(|(i, c)| format!("{c:<w$}", w = widths[i]))
            .collect();
        out.push_str(&cells.join("\t"));
        out.push('\n');
    }
    out
}

/// What `helm install` prints after installing (Helm's status printer without colours).
pub fn install_status(r: &Release) -> String {
    let mut out = format!("NAME: {}\n", r.name);
    if r.last_deployed != 0 {
        let t = Time {
            secs: r.last_deployed,
            nanos: 0,
        };
        out.push_str(&format!(
            "LAST DEPLOYED: {}\n",
            t.format("Mon Jan _2 15:04:05 2006")
        ));
    }
    out.push_str(&format!("NAMESPACE: {}\n", r.namespace));
    out.push_str(&format!("STATUS: {}\n", r.status.as_str()));
    out.push_str(&format!("REVISION: {}\n", r.revision));
    out.push_str(&format!("DESCRIPTION: {}\n", r.description));
    out.push_str("TEST SUITE: None\n");
    if !r.notes.is_empty() {
        out.push_str(&format!("NOTES:\n{}\n", r.notes.trim()));
    }
    out
}
