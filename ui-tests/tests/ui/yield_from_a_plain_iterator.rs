// `yield_from` delegates to generators; an iterator goes to `yield_from_iter`.
fn main() {
    let g = cogen::generator(async |mut co| {
        co.yield_from(vec![1, 2, 3].into_iter()).await;
    });
    drop(g);
}
