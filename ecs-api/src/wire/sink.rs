//! The sink [`ToParams`] writes a request's params into.
//!
//! A request is flattened once per call into one buffer, each param as `&enc(key)=enc(value)`
//! percent-encoded as it is written: keys come from one shared key buffer (`Tag.3` + `.Key`,
//! indexes written in place), so a request with 20 tags allocates the same few buffers as one
//! with none. For V2 the same scan also writes each param encoded twice (`%26…%3D…`), the form
//! its string to sign holds. List items are written in the order their keys sort (`.1 .10 .2`),
//! so the params of a derived input usually come out sorted: the signers then copy whole runs
//! of params and only sort when the order was not already right.

use std::cmp::Ordering;
use std::fmt;

use super::{Pair, ToParams, WireScalar, push_decimal};
use crate::signer::{encode_str, encode_str_twice};

/// Where [`ToParams`] writes params. Derived impls call [`value`](ParamSink::value),
/// [`list`](ParamSink::list), [`nested`](ParamSink::nested) and
/// [`nested_list`](ParamSink::nested_list) with each member's wire name; hand-written ones may
/// also use [`param`](ParamSink::param).
#[derive(Clone, Default)]
pub struct ParamSink {
    /// Wire key of the value being written (`Tag.3`): members append `.Name` and cut it back.
    key: String,
    /// Every param back to back: `&enc(key)=enc(value)`, or `key` `value` unencoded in raw mode.
    buf: String,
    /// With `twice` set: every param as `%26` enc(enc(key)) `%3D` enc(enc(value)), for V2.
    twice_buf: String,
    entries: Vec<Entry>,
    /// Keeps keys and values as given (for [`ToParams::to_params`]), instead of encoding them.
    raw: bool,
    /// Also writes the twice-encoded form (V2's string to sign).
    twice: bool,
    /// Some key needed escaping, so encoded keys no longer compare as the raw keys do.
    escaped_keys: bool,
}

#[derive(Debug, Clone, Copy)]
struct Entry {
    /// The first 16 bytes of the raw key, big-endian and zero-padded: integers compare as the keys
    /// do (a shorter key sorts before its extensions either way), except for ties.
    head: u128,
    /// Where the param starts in `buf` (at its `&` in encoded mode).
    start: u32,
    /// End of the key (in encoded mode, where `=` sits).
    key_end: u32,
    end: u32,
    /// The param's span in `twice_buf`.
    start2: u32,
    end2: u32,
}

impl fmt::Debug for ParamSink {
    // Values may be passwords or keys: show only how many params there are.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ParamSink")
            .field("params", &self.entries.len())
            .finish_non_exhaustive()
    }
}

/// `0..n` in the order of the 1-based keys they are sent as: `1, 10, 11, …, 2, 20, …` (a walk of
/// the decimal digits), so that list items are written sorted; `0..n` itself when `natural`.
fn in_key_order(n: usize, natural: bool) -> impl Iterator<Item = usize> {
    let mut next = 1usize;
    (0..n).map(move |k| {
        if natural {
            return k;
        }
        let this = next;
        if next.saturating_mul(10) <= n {
            next *= 10;
        } else {
            if next >= n {
                next /= 10;
            }
            next += 1;
            while next.is_multiple_of(10) {
                next /= 10;
            }
        }
        this - 1
    })
}

impl ParamSink {
    /// A sink sized for about `params` params.
    pub fn with_capacity(params: usize) -> ParamSink {
        ParamSink::for_signing(params, false)
    }

    /// A sink sized for about `params` params that also writes the twice-encoded form when
    /// `twice` (V2).
    pub(crate) fn for_signing(params: usize, twice: bool) -> ParamSink {
        ParamSink {
            key: String::with_capacity(64),
            buf: String::with_capacity(32 * params + 64),
            twice_buf: if twice {
                String::with_capacity(40 * params + 64)
            } else {
                String::new()
            },
            entries: Vec::with_capacity(params),
            raw: false,
            twice,
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
        // Raw pairs keep the natural order, for readability.
        for i in in_key_order(items.len(), self.raw) {
            let item = self.enter_index(i);
            self.open();
            items[i].write_wire(self);
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
        // Raw pairs keep the natural order, for readability.
        for i in in_key_order(items.len(), self.raw) {
            let item = self.enter_index(i);
            items[i].write_params(self);
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
            self.buf.push_str(s);
        } else if self.twice {
            encode_str_twice(&mut self.buf, &mut self.twice_buf, s);
        } else {
            encode_str(&mut self.buf, s);
        }
    }

    /// The params written, in write order, unencoded (a sink made with [`ParamSink::raw`]).
    pub fn into_pairs(self) -> Vec<Pair<'static>> {
        let sep = self.sep();
        self.entries
            .iter()
            .map(|e| {
                let (start, key_end, end) = (e.start as usize, e.key_end as usize, e.end as usize);
                let value_start = key_end + sep;
                (
                    self.buf[start + sep..key_end].to_owned().into(),
                    self.buf[value_start..end].to_owned().into(),
                )
            })
            .collect()
    }

    /// Sorts the params by raw key bytes (`ExcludeDiskId.1 < ExcludeDiskId.10 <
    /// ExcludeDiskId.2`), the order both signature schemes canonicalise to: usually a check that
    /// they already are.
    pub(crate) fn into_sorted(mut self) -> SortedParams {
        let (buf, escaped, sep) = (&self.buf, self.escaped_keys, self.sep());
        // Integers first; full keys only when the first 16 bytes tie.
        let cmp = |a: &Entry, b: &Entry| {
            a.head.cmp(&b.head).then_with(|| {
                let (ka, kb) = (key_bytes(buf, a, sep), key_bytes(buf, b, sep));
                if escaped {
                    decoded(ka).cmp(decoded(kb))
                } else {
                    ka.cmp(kb)
                }
            })
        };
        let in_order = self
            .entries
            .is_sorted_by(|a, b| cmp(a, b) != Ordering::Greater);
        if !in_order {
            self.entries.sort_unstable_by(cmp);
        }
        SortedParams {
            sink: self,
            in_write_order: in_order,
        }
    }

    /// Bytes before each key in `buf`: the `&` of encoded mode.
    fn sep(&self) -> usize {
        usize::from(!self.raw)
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

    /// Starts a param named by the key buffer: writes the key (and `&`, `=`).
    fn open(&mut self) {
        let start = self.buf.len();
        let start2 = self.twice_buf.len();
        if self.raw {
            self.buf.push_str(&self.key);
        } else {
            self.buf.push('&');
            if self.twice {
                self.twice_buf.push_str("%26");
                encode_str_twice(&mut self.buf, &mut self.twice_buf, &self.key);
                self.twice_buf.push_str("%3D");
            } else {
                encode_str(&mut self.buf, &self.key);
            }
            self.escaped_keys |= self.buf.len() - start - 1 != self.key.len();
        }
        let key_end = self.buf.len();
        if !self.raw {
            self.buf.push('=');
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
            start2: start2 as u32,
            end2: 0,
        });
    }

    fn close(&mut self) {
        let (end, end2) = (self.buf.len() as u32, self.twice_buf.len() as u32);
        if let Some(e) = self.entries.last_mut() {
            e.end = end;
            e.end2 = end2;
        }
    }
}

fn key_bytes<'b>(buf: &'b str, e: &Entry, sep: usize) -> &'b [u8] {
    &buf.as_bytes()[e.start as usize + sep..e.key_end as usize]
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

/// Feeds `piece` (encoded params: unreserved bytes, `%XY`, `&`, `=`) encoded again to `sts`.
fn feed_twice(piece: &str, sts: &mut impl FnMut(&str)) {
    let mut last = 0;
    for i in memchr::memchr3_iter(b'%', b'&', b'=', piece.as_bytes()) {
        // ASCII positions: char boundaries.
        sts(&piece[last..i]);
        sts(match piece.as_bytes()[i] {
            b'%' => "%25",
            b'&' => "%26",
            _ => "%3D",
        });
        last = i + 1;
    }
    sts(&piece[last..]);
}

/// Encoded params in canonical order, ready for the signers.
#[derive(Debug, Clone)]
pub(crate) struct SortedParams {
    sink: ParamSink,
    /// Sorted as written: neighbouring entries are neighbours in the buffers too.
    in_write_order: bool,
}

impl SortedParams {
    /// The total length of the encoded params, separators included.
    pub(crate) fn encoded_len(&self) -> usize {
        self.sink.buf.len()
    }

    /// Writes the canonical query (`k=v&k=v`, sorted by raw key) of these params merged with
    /// `extra` (already sorted by key, unencoded: the common params a signer adds) to `out`,
    /// and, when `sts` is given, the same query encoded again to it in pieces (V2).
    pub(crate) fn write_query<S: FnMut(&str)>(
        &self,
        out: &mut String,
        extra: &[(&str, &str)],
        mut sts: Option<S>,
    ) {
        let sink = &self.sink;
        let mut first = true;
        // Entries `from..to`, one span of the buffers when they were written in this order.
        let emit =
            |out: &mut String, sts: &mut Option<S>, first: &mut bool, from: usize, to: usize| {
                if from == to {
                    return;
                }
                let skip = usize::from(std::mem::take(first));
                let (a, b) = (&sink.entries[from], &sink.entries[to - 1]);
                out.push_str(&sink.buf[a.start as usize + skip..b.end as usize]);
                if let Some(sts) = sts {
                    if sink.twice {
                        sts(&sink.twice_buf[a.start2 as usize + 3 * skip..b.end2 as usize]);
                    } else {
                        feed_twice(&sink.buf[a.start as usize + skip..b.end as usize], sts);
                    }
                }
            };
        let mut extra = extra.iter().peekable();
        let mut run = 0;
        for (i, e) in sink.entries.iter().enumerate() {
            let key = key_bytes(&sink.buf, e, 1);
            let before = |k: &&(&str, &str)| {
                if sink.escaped_keys {
                    k.0.bytes().cmp(decoded(key)) == Ordering::Less
                } else {
                    k.0.as_bytes() < key
                }
            };
            if extra.peek().is_some_and(before) {
                emit(out, &mut sts, &mut first, run, i);
                run = i;
                while let Some((k, v)) = extra.next_if(before) {
                    write_pair(out, &mut sts, &mut first, k, v);
                }
            }
            if !self.in_write_order {
                emit(out, &mut sts, &mut first, i, i + 1);
                run = i + 1;
            }
        }
        emit(out, &mut sts, &mut first, run, sink.entries.len());
        for (k, v) in extra {
            write_pair(out, &mut sts, &mut first, k, v);
        }
    }
}

fn write_pair<S: FnMut(&str)>(
    out: &mut String,
    sts: &mut Option<S>,
    first: &mut bool,
    k: &str,
    v: &str,
) {
    let mark = out.len();
    if !std::mem::take(first) {
        out.push('&');
    }
    encode_str(out, k);
    out.push('=');
    encode_str(out, v);
    if let Some(sts) = sts {
        feed_twice(&out[mark..], sts);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::signer::{canonical_query, percent_encode, sort_params};

    /// The query of `pairs` merged with `extra`, checked to be the same with and without the
    /// twice-encoded form, whose pieces must make up the query encoded again.
    fn sorted_query(pairs: &[(&str, &str)], extra: &[(&str, &str)]) -> String {
        let queries: Vec<String> = [false, true]
            .into_iter()
            .map(|twice| {
                let mut sink = ParamSink::for_signing(pairs.len(), twice);
                for (k, v) in pairs {
                    sink.param(k, v);
                }
                let (mut out, mut sts) = (String::new(), String::new());
                let feed = |piece: &str| sts.push_str(piece);
                sink.into_sorted().write_query(&mut out, extra, Some(feed));
                assert_eq!(sts, percent_encode(&out));
                out
            })
            .collect();
        assert_eq!(queries[0], queries[1]);
        queries[0].clone()
    }

    #[test]
    fn items_are_written_in_key_order() {
        for n in 0..250 {
            let mut keys: Vec<(String, usize)> = (0..n).map(|i| ((i + 1).to_string(), i)).collect();
            keys.sort();
            let expected: Vec<usize> = keys.into_iter().map(|(_, i)| i).collect();
            assert_eq!(
                in_key_order(n, false).collect::<Vec<_>>(),
                expected,
                "n = {n}"
            );
            assert!(in_key_order(n, true).eq(0..n));
        }
        let ids: Vec<String> = (0..12).map(|i| format!("d-{i}")).collect();
        let mut sink = ParamSink::for_signing(ids.len() + 1, true);
        sink.list("ExcludeDiskId", &ids);
        sink.param("InstanceId", "i-1");
        let sorted = sink.into_sorted();
        assert!(sorted.in_write_order);
        let mut out = String::new();
        sorted.write_query(&mut out, &[("Action", "A")], None::<fn(&str)>);
        assert!(out.starts_with("Action=A&ExcludeDiskId.1=d-0&ExcludeDiskId.10=d-9&"));
        assert!(out.ends_with("&ExcludeDiskId.9=d-8&InstanceId=i-1"));
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
        // Already sorted: copied in runs between the extra params.
        let mut in_order = pairs.clone();
        sort_params(&mut in_order);
        assert_eq!(sorted_query(&in_order, &extra), canonical_query(&all));
        assert_eq!(sorted_query(&in_order, &[]), canonical_query(&in_order));
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
        let mut out = String::new();
        sink.into_sorted()
            .write_query(&mut out, &[], None::<fn(&str)>);
        assert_eq!(
            out,
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
