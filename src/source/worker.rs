//! PDF text extraction in worker processes, each file within a time and a memory limit.
//!
//! `imr` starts copies of its own binary (`imr extract-worker`, a hidden command) and hands
//! each one PDF's bytes at a time. A worker limits its own address space (`setrlimit`) before
//! it reads anything, and the parent waits for each file's text only as long as the time
//! limit, then kills the worker. So a hang, runaway memory, a stack overflow or an abort inside
//! the PDF library fails that one file; the next file gets a fresh worker. A worker dies with
//! the process that started it (Linux: `PR_SET_PDEATHSIG`), or when its input closes.
//!
//! Protocol: the parent writes the file's length (8 bytes, little-endian) and its bytes; the
//! worker answers with one JSON line ([`Reply`]).

use super::{Format, Source, SourceError};
use serde::{Deserialize, Serialize};
use std::io::{self, BufRead, BufReader, BufWriter, Read, Write};
use std::path::PathBuf;
use std::process::{Child, ChildStdin, ChildStdout, Command, ExitStatus, Stdio};
use std::sync::Mutex;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// The hidden subcommand a worker runs.
pub const WORKER_COMMAND: &str = "extract-worker";

/// What one file may use while it is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    pub time: Duration,
    /// Megabytes of memory beyond what the worker holds when it starts.
    pub memory_mb: u64,
}

/// What a worker says of one file.
#[derive(Debug, Serialize, Deserialize)]
enum Reply {
    Text(String),
    Skip(String),
    Failed(String),
}

/// Idle workers, started as they are first needed (a run over text files starts none).
pub struct Pool {
    exe: PathBuf,
    limits: Limits,
    idle: Mutex<Vec<Worker>>,
}

struct Worker {
    child: Child,
    input: ChildStdin,
    /// Its replies, read on the thread that hands it the file (a thread of its own to read
    /// them would cost a wake-up per file, measured at up to 20% of the run on this VM).
    output: BufReader<ChildStdout>,
    /// What the worker wrote to stderr (only a dying worker writes there), read to its end.
    stderr: JoinHandle<String>,
}

impl Pool {
    /// Workers run `exe` (normally `std::env::current_exe()`).
    pub fn new(exe: PathBuf, limits: Limits) -> Pool {
        Pool { exe, limits, idle: Mutex::new(Vec::new()) }
    }

    pub fn limits(&self) -> Limits {
        self.limits
    }

    /// Reads one PDF in a worker. Never blocks longer than the time limit (plus the time to
    /// hand over the bytes), whatever the file holds.
    pub fn extract(&self, bytes: &[u8]) -> Result<Source, SourceError> {
        let idle = self.idle.lock().unwrap_or_else(|e| e.into_inner()).pop();
        let start = || self.start().map_err(|e| SourceError::Start(e.to_string()));
        let mut worker = match idle {
            Some(w) => w,
            None => start()?,
        };
        if worker.send(bytes).is_err() {
            // An idle worker that is gone (not this file's doing): a fresh one gets the file.
            let _ = worker.reap();
            worker = start()?;
            if worker.send(bytes).is_err() {
                let (status, stderr) = worker.reap();
                return Err(death(status, &stderr, self.limits));
            }
        }
        match worker.reply_within(self.limits.time) {
            Answer::Reply(reply) => {
                self.idle.lock().unwrap_or_else(|e| e.into_inner()).push(worker);
                match reply {
                    Reply::Text(text) => Ok(Source::Text { text, from: Format::Pdf }),
                    Reply::Skip(reason) => Ok(Source::Skip(reason)),
                    Reply::Failed(reason) => Err(SourceError::Pdf(reason)),
                }
            }
            Answer::Late => {
                worker.end();
                Err(SourceError::TooSlow(self.limits.time.as_secs().max(1)))
            }
            Answer::Gone => {
                let (status, stderr) = worker.reap();
                Err(death(status, &stderr, self.limits))
            }
        }
    }

    fn start(&self) -> io::Result<Worker> {
        let mut child = Command::new(&self.exe)
            .arg(WORKER_COMMAND)
            .arg("--memory")
            .arg(self.limits.memory_mb.to_string())
            .env("RUST_BACKTRACE", "0")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()?;
        let (Some(input), Some(output), Some(mut errors)) =
            (child.stdin.take(), child.stdout.take(), child.stderr.take())
        else {
            let _ = child.kill();
            let _ = child.wait();
            return Err(io::Error::other("no pipes to the worker"));
        };
        let stderr = std::thread::Builder::new().name("imr-worker-err".into()).spawn(move || {
            let mut all = Vec::new();
            let _ = errors.read_to_end(&mut all);
            let keep = all.len().saturating_sub(4096);
            String::from_utf8_lossy(&all[keep..]).into_owned()
        })?;
        Ok(Worker { child, input, output: BufReader::new(output), stderr })
    }
}

impl Drop for Pool {
    fn drop(&mut self) {
        for worker in self.idle.get_mut().unwrap_or_else(|e| e.into_inner()).drain(..) {
            worker.finish();
        }
    }
}

/// What came back for a file.
enum Answer {
    Reply(Reply),
    /// Nothing within the time limit.
    Late,
    /// The worker died (or said something that is not a reply).
    Gone,
}

impl Worker {
    /// Waits for the reply line, at most `limit`.
    fn reply_within(&mut self, limit: Duration) -> Answer {
        let deadline = Instant::now() + limit;
        let mut line = Vec::new();
        loop {
            if self.output.buffer().is_empty() {
                let left = deadline.saturating_duration_since(Instant::now());
                let Ok(timeout) = rustix::event::Timespec::try_from(left) else { return Answer::Gone };
                let mut fds = [rustix::event::PollFd::new(self.output.get_ref(), rustix::event::PollFlags::IN)];
                match rustix::event::poll(&mut fds, Some(&timeout)) {
                    Ok(0) => return Answer::Late,
                    Ok(_) => {}
                    Err(rustix::io::Errno::INTR) => continue,
                    Err(_) => return Answer::Gone,
                }
            }
            // Ready: this read does not block.
            let Ok(buf) = self.output.fill_buf() else { return Answer::Gone };
            if buf.is_empty() {
                return Answer::Gone; // end of output: it died
            }
            match buf.iter().position(|&b| b == b'\n') {
                Some(end) => {
                    line.extend_from_slice(&buf[..end]);
                    self.output.consume(end + 1);
                    return serde_json::from_slice(&line).map_or(Answer::Gone, Answer::Reply);
                }
                None => {
                    let n = buf.len();
                    line.extend_from_slice(buf);
                    self.output.consume(n);
                }
            }
        }
    }

    fn send(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.input.write_all(&(bytes.len() as u64).to_le_bytes())?;
        self.input.write_all(bytes)?;
        self.input.flush()
    }

    /// Kills a worker that is still busy.
    fn end(mut self) {
        let _ = self.child.kill();
        let _ = self.reap();
    }

    /// Lets an idle worker go: its input closes, so it exits.
    fn finish(self) {
        let Worker { mut child, input, stderr, .. } = self;
        drop(input);
        let _ = child.wait();
        let _ = stderr.join();
    }

    /// Waits for a dead (or killed) worker; its exit status and last words. One that closed
    /// its output but lives on is killed after a moment.
    fn reap(mut self) -> (Option<ExitStatus>, String) {
        let deadline = std::time::Instant::now() + Duration::from_secs(2);
        let status = loop {
            match self.child.try_wait() {
                Ok(Some(status)) => break Some(status),
                Ok(None) if std::time::Instant::now() < deadline => std::thread::sleep(Duration::from_millis(5)),
                _ => {
                    let _ = self.child.kill();
                    break self.child.wait().ok();
                }
            }
        };
        (status, self.stderr.join().unwrap_or_default())
    }
}

/// Why a worker died while reading a file, in plain words.
fn death(status: Option<ExitStatus>, stderr: &str, limits: Limits) -> SourceError {
    if stderr.contains("memory allocation of") {
        return SourceError::TooMuchMemory(limits.memory_mb);
    }
    if stderr.contains("overflowed its stack") || stderr.contains("stack overflow") {
        return SourceError::Pdf("damaged PDF: it is nested too deeply (reading it ran out of stack)".to_string());
    }
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        if status.and_then(|s| s.signal()) == Some(9) {
            // Not our kill (that is a timeout): the system's out-of-memory killer, most often.
            return SourceError::Killed("the PDF reader was killed while reading it (out of memory?)".to_string());
        }
    }
    let how = match status {
        Some(s) => s.to_string(),
        None => "for an unknown reason".to_string(),
    };
    SourceError::Crashed(format!("damaged PDF: the PDF reader crashed on it ({how})"))
}

/// A worker's life: limit its memory, then read PDFs from stdin until it closes.
pub fn worker_main(memory_mb: u64) -> anyhow::Result<()> {
    #[cfg(target_os = "linux")]
    rustix::process::set_parent_process_death_signal(Some(rustix::process::Signal::KILL))?;
    limit_memory(memory_mb)?;
    let mut input = BufReader::new(io::stdin().lock());
    let mut out = BufWriter::new(io::stdout().lock());
    loop {
        let mut len = [0u8; 8];
        match input.read_exact(&mut len) {
            Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => return Ok(()),
            other => other?,
        }
        let mut bytes = vec![0u8; usize::try_from(u64::from_le_bytes(len))?];
        input.read_exact(&mut bytes)?;
        let reply = match super::isolate(|| super::from_bytes(&bytes)).and_then(|r| r) {
            Ok(Source::Text { text, .. }) => Reply::Text(text),
            Ok(Source::Skip(reason)) => Reply::Skip(reason),
            Err(e) => Reply::Failed(e.to_string()),
        };
        drop(bytes);
        serde_json::to_writer(&mut out, &reply)?;
        out.write_all(b"\n")?;
        out.flush()?;
    }
}

/// Caps the address space at what the worker has now plus `memory_mb`.
fn limit_memory(memory_mb: u64) -> anyhow::Result<()> {
    #[cfg(target_os = "linux")]
    {
        use rustix::process::{setrlimit, Resource, Rlimit};
        // The first field of statm is the address space in pages.
        let statm = std::fs::read_to_string("/proc/self/statm")?;
        let pages: u64 = statm.split_whitespace().next().and_then(|p| p.parse().ok()).unwrap_or(0);
        let now = pages * rustix::param::page_size() as u64;
        let limit = now + memory_mb * 1_000_000;
        setrlimit(Resource::As, Rlimit { current: Some(limit), maximum: Some(limit) })?;
    }
    #[cfg(not(target_os = "linux"))]
    let _ = memory_mb;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_dying_worker_is_explained_in_plain_words() {
        let limits = Limits { time: Duration::from_secs(30), memory_mb: 256 };
        let oom = death(None, "memory allocation of 4294967296 bytes failed\n", limits);
        assert_eq!(oom.to_string(), "needed more than 256 MB of memory to read (the limit is --file-memory)");
        let deep =
            death(None, "\nthread 'main' has overflowed its stack\nfatal runtime error: stack overflow\n", limits);
        assert_eq!(deep.to_string(), "damaged PDF: it is nested too deeply (reading it ran out of stack)");
        let other = death(None, "", limits);
        assert!(other.to_string().starts_with("damaged PDF: the PDF reader crashed on it"), "{other}");
    }
}
