//! Cycle profiles: where a guest spends its instructions, by ELF function symbol and by the
//! named scopes the guest marks with the `profile_scope` syscall.

use std::collections::HashMap;

use serde::Serialize;

use crate::{program::Program, tracer::Tracer};

/// Counts instructions per code index and cycles per scope.
pub(crate) struct Profiler {
    pub counts: Vec<u64>,
    /// Open scopes: name, cycle at entry, cycles spent in nested scopes so far.
    stack: Vec<(String, u64, u64)>,
    scopes: HashMap<String, ScopeCycles>,
}

impl Profiler {
    pub fn new(code_len: usize) -> Self {
        Self { counts: vec![0; code_len], stack: Vec::new(), scopes: HashMap::new() }
    }
}

impl Tracer for Profiler {
    #[inline(always)]
    fn start(&mut self, _clk: u64, index: usize) {
        if let Some(count) = self.counts.get_mut(index) {
            *count += 1;
        }
    }

    fn profile_scope(&mut self, clk: u64, name: &str, enter: bool) {
        if enter {
            self.stack.push((name.to_owned(), clk, 0));
            return;
        }
        // Close the innermost scope of that name (and any left open inside it).
        let Some(at) = self.stack.iter().rposition(|(n, _, _)| n == name) else { return };
        while self.stack.len() > at {
            let (name, start, nested) = self.stack.pop().expect("non-empty");
            let inclusive = clk.saturating_sub(start);
            let entry =
                self.scopes.entry(name.clone()).or_insert_with(|| ScopeCycles { name, ..Default::default() });
            entry.inclusive += inclusive;
            entry.exclusive += inclusive.saturating_sub(nested);
            entry.calls += 1;
            if let Some(parent) = self.stack.last_mut() {
                parent.2 += inclusive;
            }
        }
    }
}

/// Cycles spent in one function (its own instructions, not its callees').
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FunctionCycles {
    /// Demangled name, or `<unknown>` for code outside every symbol.
    pub name: String,
    /// Instructions executed inside the function's address range.
    pub cycles: u64,
}

/// Cycles spent in a named scope.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ScopeCycles {
    /// The scope's name.
    pub name: String,
    /// Cycles between entering and leaving, summed over every entry.
    pub inclusive: u64,
    /// `inclusive` less the cycles of scopes nested inside it.
    pub exclusive: u64,
    /// How many times it was entered and left.
    pub calls: u64,
}

/// A flat profile, sorted by cycles, most first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Profile {
    /// Every function that executed at least one instruction.
    pub functions: Vec<FunctionCycles>,
    /// Every scope the guest marked, sorted by inclusive cycles.
    pub scopes: Vec<ScopeCycles>,
    /// Total instructions executed.
    pub total_cycles: u64,
}

impl Profile {
    pub(crate) fn from_profiler(program: &Program, profiler: Profiler) -> Self {
        let mut by_name: HashMap<&str, u64> = HashMap::new();
        let mut total = 0;
        for (index, &count) in profiler.counts.iter().enumerate().filter(|(_, c)| **c > 0) {
            let pc = program.code_base() + 4 * index as u64;
            let name = program.symbol_at(pc).map_or("<unknown>", |s| s.name.as_str());
            *by_name.entry(name).or_default() += count;
            total += count;
        }
        let mut functions: Vec<FunctionCycles> = by_name
            .into_iter()
            .map(|(name, cycles)| FunctionCycles { name: name.to_owned(), cycles })
            .collect();
        functions.sort_by(|a, b| b.cycles.cmp(&a.cycles).then_with(|| a.name.cmp(&b.name)));
        let mut scopes: Vec<ScopeCycles> = profiler.scopes.into_values().collect();
        scopes.sort_by(|a, b| b.inclusive.cmp(&a.inclusive).then_with(|| a.name.cmp(&b.name)));
        Self { functions, scopes, total_cycles: total }
    }
}
