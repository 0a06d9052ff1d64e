//! Media: what an uploaded file is (from its bytes alone), turning images into safe copies
//! (decoded under limits, re-encoded without metadata, scaled, with a thumbnail and a
//! blurhash) and keeping files in a [`MediaStore`] (a folder or an S3-compatible bucket).
//! This crate knows neither HTTP requests nor the database.

mod error;
mod image_processing;
pub mod keys;
mod process;
mod sniff;
mod store;

pub use error::{MediaError, StoreError};
pub use image_processing::ImageMeta;
pub use process::{Limits, Processed, Rendition, process};
pub use sniff::{FileType, MediaKind, sniff};
pub use store::{ByteStream, MediaStore, StoredObject};
