//! The stop rules and page-size choice, without I/O.

use super::{PageStyle, Progress, effective_page_size};

fn page_number(size: Option<i64>, first: Option<i64>) -> Progress {
    Progress::new(PageStyle::PageNumber, size, first, 100)
}

fn token() -> Progress {
    Progress::new(PageStyle::NextToken, Some(10), None, 100)
}

/// Feeds page lengths with one `TotalCount`; returns the page numbers requested.
fn run_numbers(p: &mut Progress, total: Option<i64>, lengths: &[usize]) -> Vec<i64> {
    let mut requested = vec![p.page_number];
    for (i, &n) in lengths.iter().enumerate() {
        let more = p.after_page("Op", n, total, None);
        assert_eq!(more, i + 1 < lengths.len(), "page {} of {lengths:?}", i + 1);
        if more {
            requested.push(p.page_number);
        }
    }
    requested
}

#[test]
fn page_size_defaults_to_the_maximum_and_is_clamped_to_it() {
    assert_eq!(effective_page_size(None, Some(100)), Some(100));
    assert_eq!(effective_page_size(Some(500), Some(100)), Some(100));
    assert_eq!(effective_page_size(Some(20), Some(100)), Some(20));
    assert_eq!(effective_page_size(Some(7), None), Some(7));
    assert_eq!(effective_page_size(None, None), None);
}

#[test]
fn page_numbers_count_up_until_total_count_is_reached() {
    let mut p = page_number(Some(2), None);
    assert_eq!(run_numbers(&mut p, Some(5), &[2, 2, 1]), [1, 2, 3]);
    // Exactly full last page: no extra request.
    let mut p = page_number(Some(2), None);
    assert_eq!(run_numbers(&mut p, Some(4), &[2, 2]), [1, 2]);
    // Nothing at all.
    let mut p = page_number(Some(2), None);
    assert_eq!(run_numbers(&mut p, Some(0), &[0]), [1]);
    let mut p = page_number(Some(2), None);
    assert_eq!(run_numbers(&mut p, Some(-1), &[1]), [1]);
}

#[test]
fn an_empty_page_stops_whatever_total_count_says() {
    let mut p = page_number(Some(2), None);
    assert_eq!(run_numbers(&mut p, Some(10), &[2, 0]), [1, 2]);
}

#[test]
fn items_are_counted_as_received_when_the_server_sends_smaller_pages() {
    // Asked for 100, the server sends 50 at a time: TotalCount decides, not the size asked.
    let mut p = page_number(Some(100), None);
    assert_eq!(run_numbers(&mut p, Some(120), &[50, 50, 20]), [1, 2, 3]);
}

#[test]
fn without_total_count_a_short_page_is_the_last() {
    let mut p = page_number(Some(3), None);
    assert_eq!(run_numbers(&mut p, None, &[3, 3, 2]), [1, 2, 3]);
    let mut p = page_number(Some(3), None);
    assert_eq!(run_numbers(&mut p, None, &[3, 3, 0]), [1, 2, 3]);
    // No size requested: the first page shows the server's default.
    let mut p = page_number(None, None);
    assert_eq!(run_numbers(&mut p, None, &[10, 10, 4]), [1, 2, 3]);
    assert_eq!(p.page_size, Some(10));
}

#[test]
fn starting_past_page_one_counts_the_skipped_pages() {
    // Pages 1 and 2 skipped (20 items), page 3 has the last 5 of 25.
    let mut p = page_number(Some(10), Some(3));
    assert_eq!(run_numbers(&mut p, Some(25), &[5]), [3]);
    let mut p = page_number(Some(10), Some(2));
    assert_eq!(run_numbers(&mut p, Some(25), &[10, 5]), [2, 3]);
}

#[test]
fn the_page_number_never_overflows() {
    let mut p = page_number(Some(1), Some(i64::MAX));
    assert!(!p.after_page("Op", 1, Some(i64::MAX), None));
}

#[test]
fn next_tokens_are_followed_until_absent_or_empty() {
    let mut p = token();
    assert!(p.after_page("Op", 10, None, Some("t1")));
    assert_eq!(p.token.as_deref(), Some("t1"));
    assert!(p.after_page("Op", 10, None, Some("t2")));
    assert_eq!(p.token.as_deref(), Some("t2"));
    assert!(!p.after_page("Op", 3, None, None));

    let mut p = token();
    assert!(!p.after_page("Op", 10, None, Some("")));
    // TotalCount does not stop a token-paged run: the token does.
    let mut p = token();
    assert!(p.after_page("Op", 10, Some(10), Some("t1")));
}

#[test]
fn an_empty_page_with_a_token_goes_on_and_without_one_stops() {
    let mut p = token();
    assert!(p.after_page("Op", 0, None, Some("t1")));
    assert!(!p.after_page("Op", 0, None, None));
}

#[test]
fn the_token_just_sent_coming_back_stops_the_loop() {
    let mut p = token();
    assert!(p.after_page("Op", 10, None, Some("t1")));
    assert!(!p.after_page("Op", 10, None, Some("t1")));
}

#[test]
fn a_server_that_never_ends_stops_at_the_page_cap() {
    let mut p = Progress::new(PageStyle::PageNumber, Some(2), None, 3);
    assert!(p.after_page("Op", 2, None, None));
    assert!(p.after_page("Op", 2, None, None));
    assert!(!p.after_page("Op", 2, None, None));
    let mut p = Progress::new(PageStyle::NextToken, None, None, 2);
    assert!(p.after_page("Op", 1, None, Some("a")));
    assert!(!p.after_page("Op", 1, None, Some("b")));
    assert_eq!(super::MAX_PAGES, 10_000);
}
