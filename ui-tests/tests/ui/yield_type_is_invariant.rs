// async-stream#107: yielding something shorter-lived than the item type.
// The items borrow `v`, so they cannot outlive it.
fn main() {
    let mut outer: Vec<&i32> = vec![];
    {
        let v = vec![0; 10];
        let g = cogen::generator(async |mut co| {
            for x in &v {
                co.yield_(x).await;
            }
        });
        for x in g {
            outer.push(x);
        }
    }
    println!("{outer:?}");
}
