// A plain async generator receives `()`: sending it a value does not compile.
fn main() {
    let mut g = cogen::async_generator(async |mut co| co.yield_(1).await);
    let _ = g.asend(5);
}
