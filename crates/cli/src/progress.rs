//! The progress bar of a run's proving: shards done of the total, cycles proven, an ETA.

use std::io::IsTerminal;
use std::sync::atomic::{AtomicUsize, Ordering};

use hearth_machine::{RunObserver, RunOptions, RunPlan, ShardReport};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// Shows proving progress on stderr: a bar on a terminal, one line per shard otherwise (logs).
pub(crate) struct ShardProgress {
    bar: ProgressBar,
    interactive: bool,
    total: AtomicUsize,
    done: AtomicUsize,
    resumed: AtomicUsize,
}

impl ShardProgress {
    pub(crate) fn new(options: &RunOptions) -> Self {
        let interactive = std::io::stderr().is_terminal();
        let target = if interactive { ProgressDrawTarget::stderr() } else { ProgressDrawTarget::hidden() };
        let bar = ProgressBar::with_draw_target(None, target);
        // The bar counts cycles (shards differ in length, the last one most), the message shards.
        let style = ProgressStyle::with_template(
            "{spinner} [{elapsed_precise}] {wide_bar} {percent:>3}% {msg}, ETA {eta}",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar());
        bar.set_style(style);
        bar.set_message(format!("executing (shards of {} cycles)", options.shard_cycles));
        bar.enable_steady_tick(std::time::Duration::from_millis(250));
        Self {
            bar,
            interactive,
            total: AtomicUsize::new(0),
            done: AtomicUsize::new(0),
            resumed: AtomicUsize::new(0),
        }
    }

    /// Shards whose proofs were kept from an earlier attempt.
    pub(crate) fn resumed(&self) -> usize {
        self.resumed.load(Ordering::Relaxed)
    }

    /// Clears the bar.
    pub(crate) fn finish(&self) {
        self.bar.finish_and_clear();
    }

    fn line(&self, text: String) {
        if self.interactive {
            self.bar.println(text);
        } else {
            eprintln!("{text}");
        }
    }

    /// Counts one more shard done, proven or kept: returns how many are done, of how many.
    fn advance(&self, r: &ShardReport) -> (usize, usize) {
        let done = self.done.fetch_add(1, Ordering::Relaxed) + 1;
        let total = self.total.load(Ordering::Relaxed);
        self.bar.inc(r.cycles);
        self.bar.set_message(format!("{done}/{total} shards"));
        (done, total)
    }
}

impl RunObserver for ShardProgress {
    fn planned(&self, plan: &RunPlan) {
        self.total.store(plan.tasks.len(), Ordering::Relaxed);
        self.bar.set_length(plan.cycles);
        self.bar.set_message(format!("0/{} shards", plan.tasks.len()));
        self.line(format!(
            "executed {} cycles in {:.2} s: {} shard(s) to prove",
            plan.cycles,
            plan.execute_s,
            plan.tasks.len()
        ));
    }

    fn shard_proven(&self, r: &ShardReport) {
        let (done, total) = self.advance(r);
        self.line(format!(
            "shard {:>3} proven ({done}/{total}): {} cycles, replay {:.2} s, traces {:.2} s, prove {:.2} s",
            r.index, r.cycles, r.replay_s, r.trace_s, r.prove_s
        ));
    }

    fn shard_resumed(&self, r: &ShardReport) {
        self.resumed.fetch_add(1, Ordering::Relaxed);
        let (done, total) = self.advance(r);
        self.line(format!(
            "shard {:>3} kept ({done}/{total}) from an earlier attempt (proven then in {:.2} s)",
            r.index, r.prove_s
        ));
    }
}
