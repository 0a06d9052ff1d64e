//! Images: decoded under limits (the claimed size is checked before any pixel is decoded),
//! turned upright (JPEG orientation), scaled to a bounded area, re-encoded (which drops EXIF,
//! GPS and every other metadata) and given a thumbnail and a blurhash.

use std::io::Cursor;

use image::codecs::jpeg::JpegEncoder;
use image::imageops::FilterType;
use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader};

use crate::error::MediaError;
use crate::sniff::FileType;

/// Longest side of a thumbnail, in pixels.
pub const THUMBNAIL_SIDE: u32 = 640;
/// JPEG quality of stored copies.
const JPEG_QUALITY: u8 = 85;

/// What is known of a processed image.
#[derive(Clone, Debug, PartialEq)]
pub struct ImageMeta {
    /// Width of the stored copy.
    pub width: u32,
    /// Height of the stored copy.
    pub height: u32,
    /// Width of the thumbnail.
    pub small_width: u32,
    /// Height of the thumbnail.
    pub small_height: u32,
    /// The blurhash of the picture (4x4 components).
    pub blurhash: Option<String>,
}

/// A processed image: the stored copy, its thumbnail (same type) and what is known of it.
pub(crate) struct ProcessedImage {
    pub file_type: FileType,
    pub original: Vec<u8>,
    pub thumbnail: Vec<u8>,
    pub meta: ImageMeta,
}

/// Decodes, cleans, scales and re-encodes `bytes`, an image of type `file_type`.
pub(crate) fn process_image(
    bytes: &[u8],
    file_type: FileType,
    max_pixels: u64,
    resize_pixels: u64,
) -> Result<ProcessedImage, MediaError> {
    let format = match file_type {
        FileType::Jpeg => ImageFormat::Jpeg,
        FileType::Png => ImageFormat::Png,
        FileType::Gif => ImageFormat::Gif,
        FileType::Webp => ImageFormat::WebP,
        other => return Err(MediaError::NotAccepted(other.content_type().into())),
    };
    let unreadable = |e: image::ImageError| MediaError::Unreadable(e.to_string());
    let mut reader = ImageReader::new(Cursor::new(bytes));
    reader.set_format(format);
    let mut limits = image::Limits::default();
    limits.max_alloc = Some(max_pixels.saturating_mul(8).max(1 << 20));
    reader.limits(limits.clone());
    let mut decoder = reader.into_decoder().map_err(unreadable)?;
    let (width, height) = decoder.dimensions();
    if u64::from(width) * u64::from(height) > max_pixels || width == 0 || height == 0 {
        return Err(MediaError::TooManyPixels {
            width,
            height,
            limit: max_pixels,
        });
    }
    decoder.set_limits(limits).map_err(unreadable)?;
    let orientation = decoder.orientation().map_err(unreadable)?;
    let mut image = DynamicImage::from_decoder(decoder).map_err(unreadable)?;
    image.apply_orientation(orientation);

    let area = u64::from(image.width()) * u64::from(image.height());
    if area > resize_pixels {
        let scale = (resize_pixels as f64 / area as f64).sqrt();
        let w = ((f64::from(image.width()) * scale).floor() as u32).max(1);
        let h = ((f64::from(image.height()) * scale).floor() as u32).max(1);
        image = image.resize_exact(w, h, FilterType::Triangle);
    }
    let thumbnail = image.thumbnail(THUMBNAIL_SIDE, THUMBNAIL_SIDE);
    let stored_type = match file_type {
        FileType::Jpeg => FileType::Jpeg,
        FileType::Webp if !image.color().has_alpha() => FileType::Jpeg,
        _ => FileType::Png,
    };
    let meta = ImageMeta {
        width: image.width(),
        height: image.height(),
        small_width: thumbnail.width(),
        small_height: thumbnail.height(),
        blurhash: blurhash_of(&thumbnail),
    };
    Ok(ProcessedImage {
        file_type: stored_type,
        original: encode(&image, stored_type)?,
        thumbnail: encode(&thumbnail, stored_type)?,
        meta,
    })
}

/// `image` encoded as JPEG or PNG, with no metadata.
fn encode(image: &DynamicImage, file_type: FileType) -> Result<Vec<u8>, MediaError> {
    let mut out = Vec::new();
    let result = if file_type == FileType::Jpeg {
        JpegEncoder::new_with_quality(&mut out, JPEG_QUALITY).encode_image(&image.to_rgb8())
    } else {
        image.write_to(&mut Cursor::new(&mut out), ImageFormat::Png)
    };
    result.map_err(|e| MediaError::Unreadable(e.to_string()))?;
    Ok(out)
}

/// The blurhash of a small copy of `image`.
fn blurhash_of(image: &DynamicImage) -> Option<String> {
    let small = image.thumbnail(64, 64).to_rgba8();
    blurhash::encode(4, 4, small.width(), small.height(), small.as_raw()).ok()
}
