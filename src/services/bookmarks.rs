//! Bookmarks and the favourites list.
