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
    let _d = cogen::generator(async |mut co| {
        let sub = cogen::generator(async |mut co| co.yield_(1).await);
        let _ = co.yield_from(sub).catching().await;
        let mut other = cogen::generator(async |mut co| co.yield_(2).await);
        let _ = co.yield_from(&mut other).resuming(()).catching().await;
        let _ = co.yield_from_iter([3]).catching().await;
    });
    let _s = cogen::async_generator(async |mut co| {
        let _ = co.yield_from_stream(futures::stream::iter([1])).catching().await;
    });
}
