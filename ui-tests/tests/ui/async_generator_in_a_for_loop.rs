// An async generator is a Stream: `for` cannot await its items.
fn main() {
    let g = cogen::async_generator(async |mut co| co.yield_(1).await);
    for _x in g {}
}
