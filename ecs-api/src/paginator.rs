//! Paging through list operations (`DescribeInstances`, `ListTagResources`, …): the generator
//! implements [`Paginated`] for every paginated operation, and its request builders end in
//! `into_paginator()`, which returns a [`Paginator`].
//!
//! ```no_run
//! # use ecs_api::{CallOptions, Client, Paginator};
//! # use ecs_api::paginator::Paginated;
//! # async fn demo<O: Paginated + 'static>(client: &Client, input: O::Input)
//! # -> Result<(), ecs_api::SdkError<O::Error>> {
//! // Every item of every page, each page fetched with `Client::call` (validation, signing and
//! // retries apply to each).
//! let all: Vec<O::Item> = Paginator::<O>::new(client, input, CallOptions::default())
//!     .page_size(50)
//!     .collect_items()
//!     .await?;
//! # Ok(()) }
//! ```

use std::fmt;

use futures_util::stream::{self, Stream, StreamExt as _};

use crate::client::{CallOptions, Client};
use crate::error::SdkError;
use crate::operation::Operation;

/// How an operation pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageStyle {
    /// `PageNumber` (1-based) and `PageSize` in, `TotalCount` (usually) out.
    PageNumber,
    /// `NextToken` and `MaxResults` in, `NextToken` out (absent or empty on the last page).
    NextToken,
}

/// A paginated operation: where its page size, page number or token and items live.
///
/// The input must be `Clone` (the `Input: Clone` bound on the supertrait): the paginator keeps the
/// caller's input as a template and sends a copy with the page number or token set for each page.
pub trait Paginated: Operation<Input: Clone> {
    /// One element of the page's item list (e.g. an instance).
    type Item: Send + 'static;
    const STYLE: PageStyle;
    /// Largest page size the doc allows (None when it states none).
    const MAX_PAGE_SIZE: Option<i64>;
    fn page_size(input: &Self::Input) -> Option<i64>;
    fn set_page_size(input: &mut Self::Input, size: i64);
    /// PageNumber style only (default impls do nothing / return None for NextToken ops).
    fn page_number(_input: &Self::Input) -> Option<i64> {
        None
    }
    fn set_page_number(_input: &mut Self::Input, _n: i64) {}
    /// NextToken style only.
    fn set_next_token(_input: &mut Self::Input, _token: String) {}
    fn next_token(_output: &Self::Output) -> Option<&str> {
        None
    }
    /// `TotalCount` of the response when it has one.
    fn total_count(_output: &Self::Output) -> Option<i64> {
        None
    }
    fn take_items(output: &mut Self::Output) -> Vec<Self::Item>;
    fn put_items(output: &mut Self::Output, items: Vec<Self::Item>);
}

/// The most pages one paginator requests. A server that never signals the last page (a
/// `TotalCount` never reached, full pages forever, a new token every time) stops here: the stream
/// ends after this many pages, with a warning logged, rather than looping forever. At the largest
/// ECS page size (100) that is a million items.
pub const MAX_PAGES: usize = 10_000;

/// Runs a paginated operation page by page, as a stream of pages or of items.
///
/// Each page is one [`Client::call`], so validation, signing, retries, timeouts and `ClientToken`
/// handling apply to every page (per-page, with the [`CallOptions`] given). A page that fails ends
/// the stream after its error is yielded.
///
/// **Page size**: when neither the input nor [`page_size`](Paginator::page_size) sets one, the
/// largest the doc allows ([`Paginated::MAX_PAGE_SIZE`]) is requested, for fewer round trips; a
/// larger size than that maximum is clamped to it (the service would refuse it).
///
/// **When it stops**: PageNumber style starts at the input's page number (or 1) and counts up
/// until the items seen reach `TotalCount`, a page comes back empty, or, without a `TotalCount`, a
/// page has fewer items than the page size. NextToken style stops when the token returned is absent
/// or empty, or the same as the one just sent (a server looping). Never more than [`MAX_PAGES`].
pub struct Paginator<'c, O: Paginated> {
    client: &'c Client,
    input: O::Input,
    options: CallOptions,
}

impl<O: Paginated> fmt::Debug for Paginator<'_, O> {
    // The input is left out: it is the caller's and may hold secrets.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Paginator")
            .field("action", &O::ACTION)
            .field("style", &O::STYLE)
            .field("page_size", &O::page_size(&self.input))
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}

impl<'c, O: Paginated + 'c> Paginator<'c, O> {
    /// A paginator over `input` (its page number or token, if set, is where paging starts).
    pub fn new(client: &'c Client, input: O::Input, options: CallOptions) -> Self {
        Paginator {
            client,
            input,
            options,
        }
    }

    /// Items per page. Clamped to [`Paginated::MAX_PAGE_SIZE`] when the doc gives one; below the
    /// documented minimum, validation reports it when the first page is requested.
    pub fn page_size(mut self, n: i64) -> Self {
        O::set_page_size(&mut self.input, n);
        self
    }

    /// Every page's output, in order; an error is the last item.
    pub fn pages(self) -> impl Stream<Item = Result<O::Output, SdkError<O::Error>>> + 'c {
        let Paginator {
            client,
            mut input,
            options,
        } = self;
        let size = effective_page_size(O::page_size(&input), O::MAX_PAGE_SIZE);
        if let Some(n) = size {
            O::set_page_size(&mut input, n);
        }
        let progress = Progress::new(O::STYLE, size, O::page_number(&input), MAX_PAGES);
        let run = Run::<O> {
            client,
            input,
            options,
            progress,
        };
        // Boxed so the stream is `Unpin`: callers can `.next().await` without pinning it.
        Box::pin(stream::unfold(Some(run), |run| async move {
            let mut run = run?;
            let mut input = run.input.clone();
            run.progress.prepare::<O>(&mut input);
            match run.client.call::<O>(input, &run.options).await {
                Err(e) => Some((Err(e), None)),
                Ok(mut out) => {
                    // Counted by moving the list out and back: the trait has no length accessor.
                    let items = O::take_items(&mut out);
                    let count = items.len();
                    O::put_items(&mut out, items);
                    let more = run.progress.after_page(
                        O::ACTION,
                        count,
                        O::total_count(&out),
                        O::next_token(&out),
                    );
                    Some((Ok(out), more.then_some(run)))
                }
            }
        }))
    }

    /// Every item of every page, in order; an error is the last item.
    pub fn items(self) -> impl Stream<Item = Result<O::Item, SdkError<O::Error>>> + 'c {
        self.pages().flat_map(|page| {
            let (items, error) = match page {
                Ok(mut out) => (O::take_items(&mut out), None),
                Err(e) => (Vec::new(), Some(e)),
            };
            stream::iter(items.into_iter().map(Ok).chain(error.map(Err)))
        })
    }

    /// All items of all pages, or the first error (the items of earlier pages are dropped).
    pub async fn collect_items(self) -> Result<Vec<O::Item>, SdkError<O::Error>> {
        let mut all = Vec::new();
        let mut pages = self.pages();
        while let Some(page) = pages.next().await {
            let mut out = page?;
            all.append(&mut O::take_items(&mut out));
        }
        Ok(all)
    }
}

/// What a running paginator carries from one page to the next.
struct Run<'c, O: Paginated> {
    client: &'c Client,
    /// The caller's input, page size set: each page sends a copy.
    input: O::Input,
    options: CallOptions,
    progress: Progress,
}

/// The page size to request: the caller's, at most the documented maximum; the maximum when the
/// caller set none.
fn effective_page_size(requested: Option<i64>, max: Option<i64>) -> Option<i64> {
    match (requested, max) {
        (Some(n), Some(m)) => Some(n.min(m)),
        (requested, max) => requested.or(max),
    }
}

/// Where a paging run is and whether it goes on: the stop rules, without I/O.
#[derive(Debug, Clone, PartialEq)]
struct Progress {
    style: PageStyle,
    /// Items per page: the size requested, or else the first page's length (the server default).
    page_size: Option<i64>,
    /// PageNumber style: the page to request next.
    page_number: i64,
    /// Pages skipped before the first one requested (when the caller starts past page 1).
    skipped_pages: i64,
    /// NextToken style: the token to send next (none for the first page).
    token: Option<String>,
    /// Items on the pages skipped and received, to compare with `TotalCount`.
    seen: u64,
    pages: usize,
    max_pages: usize,
}

impl Progress {
    fn new(style: PageStyle, page_size: Option<i64>, first: Option<i64>, max: usize) -> Progress {
        let page_number = first.unwrap_or(1);
        Progress {
            style,
            page_size,
            page_number,
            skipped_pages: page_number.saturating_sub(1).max(0),
            token: None,
            seen: 0,
            pages: 0,
            max_pages: max,
        }
    }

    /// Sets the page number or token of the next request.
    fn prepare<O: Paginated>(&self, input: &mut O::Input) {
        match self.style {
            PageStyle::PageNumber => O::set_page_number(input, self.page_number),
            PageStyle::NextToken => {
                if let Some(t) = &self.token {
                    O::set_next_token(input, t.clone());
                }
            }
        }
    }

    /// Records a page received; true when another page should be requested.
    fn after_page(
        &mut self,
        action: &str,
        items: usize,
        total: Option<i64>,
        next_token: Option<&str>,
    ) -> bool {
        self.pages += 1;
        if self.pages == 1 {
            if self.page_size.is_none() && items > 0 {
                self.page_size = i64::try_from(items).ok();
            }
            let size = u64::try_from(self.page_size.unwrap_or(0)).unwrap_or(0);
            self.seen = size.saturating_mul(self.skipped_pages.unsigned_abs());
        }
        self.seen = self.seen.saturating_add(items as u64);
        let more = match self.style {
            PageStyle::PageNumber => self.next_page_number(items, total),
            PageStyle::NextToken => self.next_token(action, next_token),
        };
        if more && self.pages >= self.max_pages {
            tracing::warn!(
                action,
                pages = self.pages,
                "stopping after the most pages a paginator requests; the server never signalled the last page"
            );
            return false;
        }
        more
    }

    fn next_page_number(&mut self, items: usize, total: Option<i64>) -> bool {
        if items == 0 {
            return false;
        }
        let last = match total {
            Some(total) => self.seen >= u64::try_from(total).unwrap_or(0),
            None => self
                .page_size
                .is_some_and(|size| i64::try_from(items).is_ok_and(|n| n < size)),
        };
        if last {
            return false;
        }
        match self.page_number.checked_add(1) {
            Some(n) => {
                self.page_number = n;
                true
            }
            None => false,
        }
    }

    fn next_token(&mut self, action: &str, next: Option<&str>) -> bool {
        let Some(next) = next.filter(|t| !t.is_empty()) else {
            return false;
        };
        if self.token.as_deref() == Some(next) {
            tracing::warn!(
                action,
                "stopping: the server returned the NextToken it was just sent"
            );
            return false;
        }
        self.token = Some(next.to_owned());
        true
    }
}

#[cfg(test)]
mod tests;
