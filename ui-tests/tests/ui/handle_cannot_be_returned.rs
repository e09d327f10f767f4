// The yield handle cannot outlive its body as the return value.
fn main() {
    let g = cogen::generator(async |co: cogen::Co<'_, u32>| co);
    drop(g);
}
