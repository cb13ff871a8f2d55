//! The sink [`ToParams`] writes a request's params into.
//!
//! A request is flattened once per call into one byte buffer, each param as `enc(key)=enc(value)`
//! percent-encoded as it is written: keys come from one shared key buffer (`Tag.3` + `.Key`,
//! indexes written in place), so a request with 20 tags allocates the same few buffers as one
//! with none. The signers then only sort the entries and copy the encoded params in order.

use std::cmp::Ordering;
use std::fmt;

use super::{Pair, ToParams, WireScalar, push_decimal};
use crate::signer::encode_bytes;

/// Where [`ToParams`] writes params. Derived impls call [`value`](ParamSink::value),
/// [`list`](ParamSink::list), [`nested`](ParamSink::nested) and
/// [`nested_list`](ParamSink::nested_list) with each member's wire name; hand-written ones may
/// also use [`param`](ParamSink::param).
#[derive(Clone, Default)]
pub struct ParamSink {
    /// Wire key of the value being written (`Tag.3`): members append `.Name` and cut it back.
    key: String,
    /// Every param back to back: `enc(key)=enc(value)`, or `key` `value` unencoded in raw mode.
    buf: Vec<u8>,
    entries: Vec<Entry>,
    /// Keeps keys and values as given (for [`ToParams::to_params`]), instead of encoding them.
    raw: bool,
    /// Some key needed escaping, so encoded keys no longer compare as the raw keys do.
    escaped_keys: bool,
}

#[derive(Debug, Clone, Copy)]
struct Entry {
    /// The first 16 bytes of the raw key, big-endian and zero-padded: integers compare as the keys
    /// do (a shorter key sorts before its extensions either way), except for ties.
    head: u128,
    start: u32,
    /// End of the key (in encoded mode, where `=` sits).
    key_end: u32,
    end: u32,
}

impl fmt::Debug for ParamSink {
    // Values may be passwords or keys: show only how many params there are.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ParamSink")
            .field("params", &self.entries.len())
            .finish_non_exhaustive()
    }
}

impl ParamSink {
    /// A sink sized for about `params` params.
    pub fn with_capacity(params: usize) -> ParamSink {
        ParamSink {
            key: String::with_capacity(64),
            buf: Vec::with_capacity(32 * params + 64),
            entries: Vec::with_capacity(params),
            raw: false,
            escaped_keys: false,
        }
    }

    /// A sink that keeps keys and values unencoded, for [`ParamSink::into_pairs`].
    pub fn raw() -> ParamSink {
        ParamSink {
            raw: true,
            ..ParamSink::default()
        }
    }

    /// How many params were written.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// A scalar member: one param `prefix.name`.
    pub fn value<T: WireScalar>(&mut self, name: &str, v: &T) {
        let mark = self.enter(name);
        self.open();
        v.write_wire(self);
        self.close();
        self.key.truncate(mark);
    }

    /// A list of scalars: `prefix.name.1`, `prefix.name.2`, ... An empty list sends nothing.
    pub fn list<T: WireScalar>(&mut self, name: &str, items: &[T]) {
        let mark = self.enter(name);
        for (i, v) in items.iter().enumerate() {
            let item = self.enter_index(i);
            self.open();
            v.write_wire(self);
            self.close();
            self.key.truncate(item);
        }
        self.key.truncate(mark);
    }

    /// A nested value: its members under `prefix.name`.
    pub fn nested<T: ToParams + ?Sized>(&mut self, name: &str, v: &T) {
        let mark = self.enter(name);
        v.write_params(self);
        self.key.truncate(mark);
    }

    /// A list of nested values: members under `prefix.name.1`, `prefix.name.2`, ...
    pub fn nested_list<T: ToParams>(&mut self, name: &str, items: &[T]) {
        let mark = self.enter(name);
        for (i, v) in items.iter().enumerate() {
            let item = self.enter_index(i);
            v.write_params(self);
            self.key.truncate(item);
        }
        self.key.truncate(mark);
    }

    /// One param with a text value (what [`value`](ParamSink::value) does for a string).
    pub fn param(&mut self, name: &str, value: &str) {
        let mark = self.enter(name);
        self.open();
        self.text(value);
        self.close();
        self.key.truncate(mark);
    }

    /// Appends text to the value being written; [`WireScalar::write_wire`] calls this.
    pub fn text(&mut self, s: &str) {
        if self.raw {
            self.buf.extend_from_slice(s.as_bytes());
        } else {
            encode_bytes(&mut self.buf, s);
        }
    }

    /// The params written, in write order, unencoded (a sink made with [`ParamSink::raw`]).
    pub fn into_pairs(self) -> Vec<Pair<'static>> {
        let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
        self.entries
            .iter()
            .map(|e| {
                let (start, key_end, end) = (e.start as usize, e.key_end as usize, e.end as usize);
                let value_start = if self.raw { key_end } else { key_end + 1 };
                (
                    text(&self.buf[start..key_end]).into(),
                    text(&self.buf[value_start..end]).into(),
                )
            })
            .collect()
    }

    /// Sorts the params by raw key bytes (`ExcludeDiskId.1 < ExcludeDiskId.10 <
    /// ExcludeDiskId.2`), the order both signature schemes canonicalise to.
    pub(crate) fn into_sorted(mut self) -> SortedParams {
        let buf = &self.buf;
        let escaped = self.escaped_keys;
        // Integers first; full keys only when the first 16 bytes tie.
        self.entries.sort_unstable_by(|a, b| {
            a.head.cmp(&b.head).then_with(|| {
                let (ka, kb) = (key_bytes(buf, a), key_bytes(buf, b));
                if escaped {
                    decoded(ka).cmp(decoded(kb))
                } else {
                    ka.cmp(kb)
                }
            })
        });
        SortedParams(self)
    }

    fn enter(&mut self, name: &str) -> usize {
        let mark = self.key.len();
        if mark > 0 {
            self.key.push('.');
        }
        self.key.push_str(name);
        mark
    }

    fn enter_index(&mut self, index: usize) -> usize {
        let mark = self.key.len();
        self.key.push('.');
        push_decimal(&mut self.key, index as u64 + 1);
        mark
    }

    /// Starts a param named by the key buffer: writes the key (and `=`).
    fn open(&mut self) {
        let start = self.buf.len();
        self.text_key();
        let key_end = self.buf.len();
        if !self.raw {
            self.escaped_keys |= key_end - start != self.key.len();
            self.buf.push(b'=');
        }
        let mut head = [0u8; 16];
        let k = self.key.as_bytes();
        let n = k.len().min(16);
        head[..n].copy_from_slice(&k[..n]);
        self.entries.push(Entry {
            head: u128::from_be_bytes(head),
            start: start as u32,
            key_end: key_end as u32,
            end: 0,
        });
    }

    fn text_key(&mut self) {
        if self.raw {
            self.buf.extend_from_slice(self.key.as_bytes());
        } else {
            encode_bytes(&mut self.buf, &self.key);
        }
    }

    fn close(&mut self) {
        let end = self.buf.len() as u32;
        if let Some(e) = self.entries.last_mut() {
            e.end = end;
        }
    }
}

fn key_bytes<'b>(buf: &'b [u8], e: &Entry) -> &'b [u8] {
    &buf[e.start as usize..e.key_end as usize]
}

/// The bytes of a percent-encoded key as they were before encoding.
fn decoded(b: &[u8]) -> impl Iterator<Item = u8> + '_ {
    let hex = |c: u8| (c as char).to_digit(16).unwrap_or(0) as u8;
    let mut i = 0;
    std::iter::from_fn(move || {
        let c = *b.get(i)?;
        if c == b'%' && i + 2 < b.len() {
            i += 3;
            Some(hex(b[i - 2]) << 4 | hex(b[i - 1]))
        } else {
            i += 1;
            Some(c)
        }
    })
}

/// Encoded params in canonical order, ready for the signers.
#[derive(Debug, Clone)]
pub(crate) struct SortedParams(ParamSink);

impl SortedParams {
    pub(crate) fn len(&self) -> usize {
        self.0.len()
    }

    /// The total length of the encoded params, separators excluded.
    pub(crate) fn encoded_len(&self) -> usize {
        self.0.buf.len()
    }

    /// Writes the canonical query (`k=v&k=v`, sorted by raw key) of these params merged with
    /// `extra` (already sorted by key, unencoded: the common params a signer adds).
    pub(crate) fn write_canonical(&self, out: &mut Vec<u8>, extra: &[(&str, &str)]) {
        let sink = &self.0;
        let mut extra = extra.iter().peekable();
        let mut first = true;
        let mut sep = |out: &mut Vec<u8>| {
            if !std::mem::take(&mut first) {
                out.push(b'&');
            }
        };
        for e in &sink.entries {
            let key = key_bytes(&sink.buf, e);
            while let Some((k, v)) = extra.next_if(|(k, _)| {
                if sink.escaped_keys {
                    k.bytes().cmp(decoded(key)) == Ordering::Less
                } else {
                    k.as_bytes() < key
                }
            }) {
                sep(out);
                write_pair(out, k, v);
            }
            sep(out);
            out.extend_from_slice(&sink.buf[e.start as usize..e.end as usize]);
        }
        for (k, v) in extra {
            sep(out);
            write_pair(out, k, v);
        }
    }
}

fn write_pair(out: &mut Vec<u8>, k: &str, v: &str) {
    encode_bytes(out, k);
    out.push(b'=');
    encode_bytes(out, v);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::signer::{canonical_query, sort_params};

    fn sorted_query(pairs: &[(&str, &str)], extra: &[(&str, &str)]) -> String {
        let mut sink = ParamSink::with_capacity(pairs.len());
        for (k, v) in pairs {
            sink.param(k, v);
        }
        let mut out = Vec::new();
        sink.into_sorted().write_canonical(&mut out, extra);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn sorted_sink_matches_the_reference_canonical_query() {
        let keys: Vec<String> = (1..=20)
            .map(|n| format!("ExcludeDiskId.{n}"))
            .chain((1..=12).map(|n| format!("Tag.{n}.Key")))
            .chain(["A\0".to_owned(), "A".to_owned(), "InstantAccess".to_owned()])
            .chain(["InstantAccessRetentionDays".to_owned(), "Z".to_owned()])
            .chain(["a b".to_owned(), "a!b".to_owned(), "a~b".to_owned()])
            .chain((0..300).rev().map(|n| format!("K.{n}")))
            .collect();
        let pairs: Vec<(&str, &str)> = keys.iter().map(|k| (k.as_str(), "v 1*~")).collect();
        let extra = [("Action", "X"), ("Format", "JSON"), ("Timestamp", "t:1")];
        let mut all = pairs.clone();
        all.extend(extra);
        sort_params(&mut all);
        assert_eq!(sorted_query(&pairs, &extra), canonical_query(&all));
        assert_eq!(sorted_query(&[], &extra), canonical_query(&extra));
        assert_eq!(sorted_query(&pairs[..3], &[]), canonical_query(&pairs[..3]));
    }

    #[test]
    fn keys_are_built_in_place_and_raw_pairs_keep_write_order() {
        struct Tag {
            key: &'static str,
            value: i64,
        }
        impl ToParams for Tag {
            fn write_params(&self, sink: &mut ParamSink) {
                sink.param("Key", self.key);
                sink.value("Value", &self.value);
            }
        }
        struct Input(Vec<Tag>, Vec<u32>);
        impl ToParams for Input {
            fn write_params(&self, sink: &mut ParamSink) {
                sink.nested_list("Tag", &self.0);
                sink.list("Id", &self.1);
                sink.nested("One", &self.0[0]);
            }
        }
        let input = Input(
            vec![
                Tag {
                    key: "a b",
                    value: -3,
                },
                Tag {
                    key: "c",
                    value: 40,
                },
            ],
            vec![7],
        );
        let pairs: Vec<(String, String)> = input
            .to_params()
            .into_iter()
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        let expected = [
            ("Tag.1.Key", "a b"),
            ("Tag.1.Value", "-3"),
            ("Tag.2.Key", "c"),
            ("Tag.2.Value", "40"),
            ("Id.1", "7"),
            ("One.Key", "a b"),
            ("One.Value", "-3"),
        ];
        assert_eq!(pairs, expected.map(|(k, v)| (k.to_owned(), v.to_owned())));
        let mut sink = ParamSink::with_capacity(0);
        input.write_params(&mut sink);
        assert_eq!(sink.len(), 7);
        let mut out = Vec::new();
        sink.into_sorted().write_canonical(&mut out, &[]);
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "Id.1=7&One.Key=a%20b&One.Value=-3&Tag.1.Key=a%20b&Tag.1.Value=-3&Tag.2.Key=c&Tag.2.Value=40"
        );
    }

    #[test]
    fn debug_shows_no_values() {
        let mut sink = ParamSink::with_capacity(1);
        sink.param("Password", "hunter2");
        assert!(!format!("{sink:?}").contains("hunter2"));
    }
}
