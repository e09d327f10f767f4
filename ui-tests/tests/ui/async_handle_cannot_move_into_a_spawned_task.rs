// A yield handle cannot be moved into a spawned task: tasks are 'static, the
// handle is branded with the body's lifetime.
fn main() {
    let _g = cogen::async_generator(async |mut co| {
        tokio::spawn(async move {
            co.yield_(1).await;
        })
        .await
        .unwrap();
    });
}
