// `buffer` closes its upstream with async cleanup, so a plain stream must be
// marked with `no_cleanup` first; the error says so.
use cogen::rt::{Overflow, RuntimeOpsExt};

fn main() {
    let _ = futures::stream::iter(0..3).buffer(2, Overflow::Wait);
}
