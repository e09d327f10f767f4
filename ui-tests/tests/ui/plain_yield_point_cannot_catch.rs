// A body made by a root constructor has plain yield points: catching a throw
// or close needs a constructor from `cogen::catching`.
fn main() {
    let _g = cogen::generator(async |mut co| {
        let _ = co.yield_(1).catching().await;
    });
    let _h = cogen::async_generator(async |mut co| {
        if let Err(i) = co.yield_(1).catching().await {
            co.propagate::<()>(i).await;
        }
    });
}
