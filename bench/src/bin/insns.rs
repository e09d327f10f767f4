//! Runs one benchmark case once, for `valgrind --tool=callgrind`:
//! `insns <case> <n>`. See `bench/callgrind.sh`.
fn main() {
    let mut args = std::env::args().skip(1);
    let (Some(case), Some(n)) = (args.next(), args.next()) else {
        eprintln!("usage: insns <case> <n>; cases:");
        for (name, _) in cogen_bench::CASES
            .iter()
            .chain(cogen_bench::ASYNC_CASES)
            .chain(cogen_bench::BIG_CASES)
            .chain(cogen_bench::DELEGATION_CASES)
            .chain(cogen_bench::TOOLKIT_CASES)
            .chain(cogen_bench::SPAWN_CASES)
        {
            eprintln!("  {name}");
        }
        std::process::exit(2);
    };
    let n: u64 = n.parse().expect("n must be a whole number");
    let Some((_, f)) = cogen_bench::CASES
        .iter()
        .chain(cogen_bench::ASYNC_CASES)
        .chain(cogen_bench::BIG_CASES)
        .chain(cogen_bench::DELEGATION_CASES)
        .chain(cogen_bench::TOOLKIT_CASES)
        .chain(cogen_bench::SPAWN_CASES)
        .find(|(name, _)| *name == case)
    else {
        eprintln!("unknown case {case:?}");
        std::process::exit(2);
    };
    println!("{}", f(n));
}
