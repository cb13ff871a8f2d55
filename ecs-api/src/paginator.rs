//! Paged operations (`PageNumber`/`PageSize` or `NextToken`/`MaxResults`).
//!
//! Minimal copy of the trait another branch adds with the typed paginator; kept identical so that
//! `dynamic::all_pages` compiles against it here. The other branch's file replaces this one.

/// How an operation pages its results.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageStyle {
    PageNumber,
    NextToken,
}

/// What a paged operation tells the paginators: where the page controls and the items are.
pub trait Paginated: crate::operation::Operation {
    type Item: Send + 'static;
    const STYLE: PageStyle;
    const MAX_PAGE_SIZE: Option<i64>;
    fn page_size(input: &Self::Input) -> Option<i64>;
    fn set_page_size(input: &mut Self::Input, size: i64);
    fn page_number(_input: &Self::Input) -> Option<i64> {
        None
    }
    fn set_page_number(_input: &mut Self::Input, _n: i64) {}
    fn set_next_token(_input: &mut Self::Input, _token: String) {}
    fn next_token(_output: &Self::Output) -> Option<&str> {
        None
    }
    fn total_count(_output: &Self::Output) -> Option<i64> {
        None
    }
    fn take_items(output: &mut Self::Output) -> Vec<Self::Item>;
    fn put_items(output: &mut Self::Output, items: Vec<Self::Item>);
}
