//! Measures the memory the bot's member view takes per member.
//!
//! `cargo run --release -p guildhall-bot --example view_memory [members]` (default 1,000,000)
//! prints resident memory before and after filling the view, per member. For comparison, a
//! general-purpose cache (twilight-cache-inmemory, members with user and presence) was
//! measured on this kind of machine at about 906 bytes per member.

use guildhall_bot::guilds::Members;

/// Resident set size of this process, from /proc (Linux).
fn resident_bytes() -> usize {
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap_or_default();
    let pages: usize = statm
        .split_whitespace()
        .nth(1)
        .and_then(|p| p.parse().ok())
        .unwrap_or(0);
    pages * 4096
}

fn main() {
    let members: u64 = std::env::args()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(1_000_000);
    let guild = 175_928_847_299_117_063;
    let first_user = 80_351_110_224_678_912;
    let before = resident_bytes();
    let view = Members::default();
    // Chunks of 1000, as the gateway delivers them.
    for chunk in 0..members.div_ceil(1000) {
        let start = chunk * 1000;
        let end = (start + 1000).min(members);
        view.add(guild, (start..end).map(|i| first_user + i * 4_194_304));
    }
    let after = resident_bytes();
    let per_member = (after.saturating_sub(before)) as f64 / members as f64;
    println!("members in view:      {members}");
    println!("resident before:      {:.1} MiB", before as f64 / 1048576.0);
    println!("resident after:       {:.1} MiB", after as f64 / 1048576.0);
    println!("bytes per member:     {per_member:.1}");
    println!(
        "twilight-cache-inmemory (measured, members with user and presence): ~906 bytes per member"
    );
    std::hint::black_box(&view);
}
