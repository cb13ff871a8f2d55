//! Placeholder until the paginator lands (branch rt).
use crate::client::{CallOptions, Client};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageStyle {
    PageNumber,
    NextToken,
}

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

pub struct Paginator<'c, O: Paginated> {
    pub client: &'c Client,
    pub input: O::Input,
    pub options: CallOptions,
}

impl<'c, O: Paginated> Paginator<'c, O> {
    pub fn new(client: &'c Client, input: O::Input, options: CallOptions) -> Self {
        Paginator {
            client,
            input,
            options,
        }
    }
}
