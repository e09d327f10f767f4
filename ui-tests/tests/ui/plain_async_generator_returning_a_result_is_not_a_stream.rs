// An async body that returns a Result must not have its error dropped by a
// stream: it is made with `try_async_generator`, or it does not compile.
use futures::StreamExt;

async fn fetch(page: u32) -> Result<Vec<u32>, String> {
    Ok(vec![page])
}

fn main() {
    let mut g = cogen::async_generator(async |mut co| {
        for item in fetch(1).await? {
            co.yield_(item).await;
        }
        Ok::<(), String>(())
    });
    let _ = g.next();
}
