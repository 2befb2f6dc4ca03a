//! The page's engine worker (see `kubeplay_web::worker`); index.html asks Trunk to build it.

fn main() {
    kubeplay_web::worker::start();
}
