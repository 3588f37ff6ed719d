//! Health, readiness and metrics: public.

use super::{Entry, public};

pub fn entries() -> Vec<Entry> {
    vec![
        public("GET", "/healthz", 200),
        public("GET", "/readyz", 200),
        public("GET", "/metrics", 200),
    ]
}
