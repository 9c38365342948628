//! Transparent pagination: every item of a list route as one stream.
//!
//! List routes answer one page at a time with a `next_cursor`; [`Client::paginate`] follows
//! the cursors and yields the items one by one, fetching the next page only when the caller
//! has consumed the current one. Each resource module adds named wrappers
//! (`guilds_stream` / `all_guilds`, ...) and declares its list types with [`paged!`].

use futures::stream::{self, BoxStream, StreamExt, TryStreamExt};
use guildhall_wire::page::MAX_PAGE_SIZE;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::{Client, Error, ErrorKind, Result};

/// Every item of a list, as a stream that fetches pages as it goes.
pub type ItemStream<T> = BoxStream<'static, Result<T>>;

/// A list route's answer: one page of items and the cursor of the next page.
pub trait Page: DeserializeOwned + Send + 'static {
    /// What the list holds.
    type Item: Send + 'static;
    /// The page's items and the cursor of the next page (`None` on the last page).
    fn into_parts(self) -> (Vec<Self::Item>, Option<String>);
}

/// A list route's query: its filters plus the page cursor and size.
pub trait PageFilter: Serialize + Clone + Send + Sync + 'static {
    /// The cursor this query continues from.
    fn cursor(&self) -> Option<&str>;
    /// Continues from `cursor` (the previous page's `next_cursor`).
    fn set_cursor(&mut self, cursor: Option<String>);
    /// The page size asked for.
    fn limit(&self) -> Option<u32>;
    /// Asks for pages of `limit` items.
    fn set_limit(&mut self, limit: Option<u32>);
}

/// Declares a wire list type and its filter as pageable:
/// `paged!(GuildList, guilds, Guild, GuildFilter)`, where `guilds` is the field holding the
/// items. Any filter with `cursor: Option<String>` and `limit: Option<u32>` fits.
macro_rules! paged {
    ($list:ty, $field:ident, $item:ty, $filter:ty) => {
        impl $crate::pages::Page for $list {
            type Item = $item;
            fn into_parts(self) -> (Vec<$item>, Option<String>) {
                (self.$field, self.next_cursor)
            }
        }

        impl $crate::pages::PageFilter for $filter {
            fn cursor(&self) -> Option<&str> {
                self.cursor.as_deref()
            }
            fn set_cursor(&mut self, cursor: Option<String>) {
                self.cursor = cursor;
            }
            fn limit(&self) -> Option<u32> {
                self.limit
            }
            fn set_limit(&mut self, limit: Option<u32>) {
                self.limit = limit;
            }
        }
    };
}
pub(crate) use paged;

impl Client {
    /// Every item of the list route at `path` matching `filter`, page after page.
    ///
    /// The filter's `cursor` says where to start (normally `None`), its `limit` sets the page
    /// size; without one the server's largest page ([`MAX_PAGE_SIZE`]) is asked for, to make
    /// the fewest round trips. Each page is one call with the usual retries; an error ends the
    /// stream after it is yielded.
    pub fn paginate<P, F>(&self, path: impl Into<String>, filter: &F) -> ItemStream<P::Item>
    where
        P: Page,
        F: PageFilter,
    {
        let client = self.clone();
        let path: String = path.into();
        let mut first = filter.clone();
        if first.limit().is_none() {
            first.set_limit(Some(MAX_PAGE_SIZE));
        }
        let pages = stream::try_unfold(Some(first), move |state| {
            let client = client.clone();
            let path = path.clone();
            async move {
                let Some(mut filter) = state else {
                    return Ok(None);
                };
                let page: P = client.get(&path, Some(&filter)).await?;
                let (items, next) = page.into_parts();
                let next_state = match next {
                    // A server that hands back the cursor it was given would page forever.
                    Some(cursor) if filter.cursor() == Some(cursor.as_str()) => {
                        return Err(Error::new(
                            ErrorKind::Decode,
                            format!("the server returned the same page cursor twice on {path}"),
                        ));
                    }
                    Some(cursor) => {
                        filter.set_cursor(Some(cursor));
                        Some(filter)
                    }
                    None => None,
                };
                Ok(Some((items, next_state)))
            }
        });
        pages
            .map_ok(|items| stream::iter(items.into_iter().map(Ok)))
            .try_flatten()
            .boxed()
    }

    /// Every item of the list route at `path` matching `filter`, collected (see
    /// [`Client::paginate`]).
    pub async fn collect_all<P, F>(
        &self,
        path: impl Into<String>,
        filter: &F,
    ) -> Result<Vec<P::Item>>
    where
        P: Page,
        F: PageFilter,
    {
        self.paginate::<P, F>(path, filter).try_collect().await
    }
}
