//! Host I/O: the input stream, the public output, the debug stream and `exit`.

use hearth_isa::{
    Syscall,
    syscall::{FD_DEBUG, FD_INPUT, FD_PUBLIC_OUTPUT},
};
use std::io::Write as _;

use super::invalid;
use crate::{
    error::ExecutionError,
    machine::{A0, DebugOutput, Machine},
    tracer::{SyscallReport, Tracer, slot},
};

const A1: u8 = 11;
const A2: u8 = 12;

fn report<T: Tracer>(t: &mut T, syscall: Syscall, args: [u64; 3], result: Option<u64>) {
    if T::RECORDS_EVENTS {
        t.syscall(SyscallReport { number: syscall.number(), args, result });
    }
}

pub(super) fn exit<T: Tracer>(m: &mut Machine<'_>, t: &mut T) -> u32 {
    let code = m.syscall_reg(t, slot::READ_B, A0);
    report(t, Syscall::Exit, [code, 0, 0], None);
    code as u32
}

pub(super) fn input_len<T: Tracer>(m: &mut Machine<'_>, t: &mut T) {
    // Every syscall reads `a0`, as the prover's CPU row does for every `ecall`.
    m.syscall_reg(t, slot::READ_B, A0);
    let len = m.input.len() as u64;
    m.set_syscall_reg(t, A0, len);
    report(t, Syscall::InputLen, [0; 3], Some(len));
}

pub(super) fn read<T: Tracer>(m: &mut Machine<'_>, t: &mut T) -> Result<(), ExecutionError> {
    let fd = m.syscall_reg(t, slot::READ_B, A0);
    let buf = m.syscall_reg(t, slot::READ_B, A1);
    let len = m.syscall_reg(t, slot::READ_B, A2);
    if fd != FD_INPUT {
        return Err(invalid(m, Syscall::Read, "only fd 0 (the input stream) can be read"));
    }
    let remaining = (m.input.len() - m.input_position) as u64;
    let n = len.min(remaining);
    let start = m.input_position;
    let input = m.input;
    m.update_for_syscall(t, buf, n, |bytes| bytes.copy_from_slice(&input[start..start + n as usize]))?;
    m.input_position += n as usize;
    m.set_syscall_reg(t, A0, n);
    report(t, Syscall::Read, [fd, buf, len], Some(n));
    Ok(())
}

pub(super) fn write<T: Tracer>(m: &mut Machine<'_>, t: &mut T) -> Result<(), ExecutionError> {
    let fd = m.syscall_reg(t, slot::READ_B, A0);
    let buf = m.syscall_reg(t, slot::READ_B, A1);
    let len = m.syscall_reg(t, slot::READ_B, A2);
    match fd {
        FD_PUBLIC_OUTPUT => {
            let bytes = m.read_for_syscall(t, buf, len)?;
            let bytes = bytes.to_vec();
            m.output.extend_from_slice(&bytes);
        }
        FD_DEBUG => {
            // Debug text is not part of the proven computation: read without tracing.
            let Some(bytes) = m.memory.slice(buf, len) else {
                return Err(invalid(m, Syscall::Write, "debug buffer outside guest memory"));
            };
            match m.debug {
                DebugOutput::Stderr => {
                    let _ = std::io::stderr().lock().write_all(bytes);
                }
                DebugOutput::Capture => m.debug_output.extend_from_slice(bytes),
                DebugOutput::Discard => {}
            }
        }
        _ => {
            return Err(invalid(
                m,
                Syscall::Write,
                "only fd 1 (public output) and fd 2 (debug) can be written",
            ));
        }
    }
    m.set_syscall_reg(t, A0, len);
    report(t, Syscall::Write, [fd, buf, len], Some(len));
    Ok(())
}

/// Longest profile scope name kept.
const MAX_SCOPE_NAME: u64 = 64;

pub(super) fn profile_scope<T: Tracer>(m: &mut Machine<'_>, t: &mut T) {
    let name = m.syscall_reg(t, slot::READ_B, A0);
    let len = m.syscall_reg(t, slot::READ_B, A1).min(MAX_SCOPE_NAME);
    let enter = m.syscall_reg(t, slot::READ_B, A2) != 0;
    // Like the debug stream, the name is not part of the computation: read without tracing, and a
    // bad pointer just gives an empty name.
    let bytes = m.memory.slice(name, len).unwrap_or_default();
    let name = core::str::from_utf8(bytes).unwrap_or("<invalid name>");
    t.profile_scope(m.clk, name, enter);
    report(t, Syscall::ProfileScope, [0, len, u64::from(enter)], None);
}
