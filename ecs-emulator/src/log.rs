//! The request log: every request as received, for tests to inspect, bounded in bytes.

use std::collections::VecDeque;

use serde::Serialize;

use crate::faults::Fault;
use crate::protocol::Scheme;
use crate::state::Outcome;

/// One request as received, for tests to inspect.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RequestRecord {
    pub seq: u64,
    pub method: String,
    pub path: String,
    pub scheme: Scheme,
    pub action: Option<String>,
    /// Access key id once authenticated.
    pub access_key_id: Option<String>,
    /// The params received (query, then form body), decoded; only for a request whose signature
    /// verified (an unsigned or forged request leaves none), and at most
    /// [`Limits::request_log_params_bytes`](crate::Limits) of them.
    pub params: Vec<(String, String)>,
    /// Params were left out: past the byte limit, or the request did not authenticate.
    pub params_truncated: bool,
    pub fault: Option<Fault>,
    pub outcome: Outcome,
    /// False when the connection was dropped instead of answering.
    pub responded: bool,
    /// A documented action the emulator has no behavioural model for: answered from its page's
    /// example (or refused, with strict actions). Also sent as `x-emulator-unmodelled: true`.
    pub unmodelled: bool,
}

impl RequestRecord {
    pub fn param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .rev()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// Heap and inline bytes, as the log counts them.
    fn size(&self) -> usize {
        let text = |s: &str| s.len();
        std::mem::size_of::<RequestRecord>()
            + text(&self.method)
            + text(&self.path)
            + self.action.as_deref().map_or(0, text)
            + self.access_key_id.as_deref().map_or(0, text)
            + self
                .params
                .iter()
                .map(|(k, v)| PAIR_OVERHEAD + k.len() + v.len())
                .sum::<usize>()
            + match &self.outcome {
                Outcome::Error { code, .. } => code.len(),
                Outcome::Created { snapshot_group_id }
                | Outcome::Replayed { snapshot_group_id } => snapshot_group_id.len(),
                _ => 0,
            }
    }
}

/// A pair's two `String` headers.
const PAIR_OVERHEAD: usize = 2 * std::mem::size_of::<String>();

/// The first params of a request, up to `max_bytes` of names and values; true when some were
/// left out.
pub(crate) fn kept_params<'a>(
    pairs: impl Iterator<Item = (&'a str, &'a str)>,
    max_bytes: usize,
) -> (Vec<(String, String)>, bool) {
    let mut out = Vec::new();
    let mut used = 0;
    for (k, v) in pairs {
        let size = PAIR_OVERHEAD + k.len() + v.len();
        if used + size > max_bytes {
            return (out, true);
        }
        used += size;
        out.push((k.to_owned(), v.to_owned()));
    }
    (out, false)
}

/// Records, oldest first, whose [`RequestRecord::size`] sum stays within `max_bytes`.
#[derive(Debug)]
pub(crate) struct RequestLog {
    records: VecDeque<RequestRecord>,
    bytes: usize,
    max_bytes: usize,
}

impl RequestLog {
    pub fn new(max_bytes: usize) -> RequestLog {
        RequestLog {
            records: VecDeque::new(),
            bytes: 0,
            max_bytes,
        }
    }

    pub fn push(&mut self, record: RequestRecord) {
        self.bytes += record.size();
        self.records.push_back(record);
        self.trim();
    }

    /// Changes the record of `seq` if it is still held (recent ones are at the back).
    pub fn update(&mut self, seq: u64, f: impl FnOnce(&mut RequestRecord)) {
        if let Some(r) = self.records.iter_mut().rev().find(|r| r.seq == seq) {
            let before = r.size();
            f(r);
            self.bytes = self.bytes - before + r.size();
            self.trim();
        }
    }

    fn trim(&mut self) {
        while self.bytes > self.max_bytes
            && let Some(old) = self.records.pop_front()
        {
            self.bytes -= old.size();
        }
    }

    pub fn to_vec(&self) -> Vec<RequestRecord> {
        self.records.iter().cloned().collect()
    }

    pub fn clear(&mut self) {
        self.records.clear();
        self.bytes = 0;
    }

    pub fn bytes(&self) -> usize {
        self.bytes
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(seq: u64, value: &str) -> RequestRecord {
        RequestRecord {
            seq,
            method: "POST".into(),
            path: "/".into(),
            scheme: Scheme::V2,
            action: None,
            access_key_id: None,
            params: vec![("K".into(), value.into())],
            params_truncated: false,
            fault: None,
            outcome: Outcome::Pending,
            responded: true,
            unmodelled: false,
        }
    }

    #[test]
    fn the_log_drops_its_oldest_records_past_its_byte_limit() {
        let one = record(0, &"x".repeat(1000)).size();
        let mut log = RequestLog::new(one * 3);
        for seq in 0..10 {
            log.push(record(seq, &"x".repeat(1000)));
        }
        let seqs: Vec<u64> = log.to_vec().iter().map(|r| r.seq).collect();
        assert_eq!(seqs, [7, 8, 9]);
        assert!(log.bytes() <= one * 3);
        log.update(9, |r| r.params[0].1 = "x".repeat(3000));
        assert_eq!(log.to_vec().iter().map(|r| r.seq).collect::<Vec<_>>(), [9]);
    }

    #[test]
    fn params_are_cut_at_the_byte_limit() {
        let pairs = [("A", "1"), ("B", "22"), ("C", "333")];
        let (kept, cut) = kept_params(pairs.into_iter(), 2 * (PAIR_OVERHEAD + 3));
        assert_eq!(kept.len(), 2);
        assert!(cut);
        let (kept, cut) = kept_params(pairs.into_iter(), 1 << 20);
        assert_eq!((kept.len(), cut), (3, false));
    }
}
