//! One upload turned into what is stored: its type from the bytes, the size limit of that
//! type, and for images a clean copy and a thumbnail.

use crate::error::MediaError;
use crate::image_processing::{ImageMeta, process_image};
use crate::sniff::{FileType, MediaKind, sniff};

/// The limits uploads are checked against.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Largest image, in bytes.
    pub max_image_bytes: usize,
    /// Largest other file, in bytes.
    pub max_file_bytes: usize,
    /// Images claiming more pixels are refused undecoded.
    pub max_pixels: u64,
    /// Stored images are scaled down to at most this many pixels.
    pub resize_pixels: u64,
}

impl Limits {
    /// The limits of the media settings.
    pub fn from_settings(settings: &trellis_config::MediaSettings) -> Self {
        Self {
            max_image_bytes: settings.max_image_bytes,
            max_file_bytes: settings.max_file_bytes,
            max_pixels: settings.max_pixels,
            resize_pixels: settings.resize_pixels,
        }
    }
}

/// One file to store.
#[derive(Clone, Debug)]
pub struct Rendition {
    /// Its type.
    pub file_type: FileType,
    /// Its bytes.
    pub bytes: Vec<u8>,
}

/// An accepted upload.
#[derive(Clone, Debug)]
pub struct Processed {
    /// The attachment type.
    pub kind: MediaKind,
    /// The file to store and serve as the attachment.
    pub original: Rendition,
    /// The thumbnail of an image.
    pub thumbnail: Option<Rendition>,
    /// Dimensions and blurhash of an image.
    pub image: Option<ImageMeta>,
}

/// Checks and processes an upload. CPU-bound: call it off the async runtime.
pub fn process(
    bytes: &[u8],
    file_name: Option<&str>,
    limits: &Limits,
) -> Result<Processed, MediaError> {
    let file_type = sniff(bytes, file_name).map_err(MediaError::NotAccepted)?;
    let kind = file_type.kind();
    let (limit, what) = if kind == MediaKind::Image {
        (limits.max_image_bytes, "images")
    } else {
        (limits.max_file_bytes, "files")
    };
    if bytes.len() > limit {
        return Err(MediaError::TooLarge {
            size: bytes.len(),
            limit,
            what,
        });
    }
    if kind != MediaKind::Image {
        return Ok(Processed {
            kind,
            original: Rendition {
                file_type,
                bytes: bytes.to_vec(),
            },
            thumbnail: None,
            image: None,
        });
    }
    let image = process_image(bytes, file_type, limits.max_pixels, limits.resize_pixels)?;
    Ok(Processed {
        kind,
        original: Rendition {
            file_type: image.file_type,
            bytes: image.original,
        },
        thumbnail: Some(Rendition {
            file_type: image.file_type,
            bytes: image.thumbnail,
        }),
        image: Some(image.meta),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIMITS: Limits = Limits {
        max_image_bytes: 1 << 20,
        max_file_bytes: 1 << 20,
        max_pixels: 10_000_000,
        resize_pixels: 4_000,
    };

    fn png(width: u32, height: u32) -> Vec<u8> {
        let image = image::RgbImage::from_fn(width, height, |x, y| {
            image::Rgb([(x * 3) as u8, (y * 5) as u8, 90])
        });
        let mut out = Vec::new();
        image::DynamicImage::ImageRgb8(image)
            .write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png)
            .unwrap();
        out
    }

    #[test]
    fn images_are_scaled_and_get_a_thumbnail_and_blurhash() {
        let processed = process(&png(200, 100), None, &LIMITS).unwrap();
        let meta = processed.image.unwrap();
        assert!(u64::from(meta.width * meta.height) <= LIMITS.resize_pixels);
        assert_eq!(meta.width, 89);
        assert!(meta.blurhash.is_some_and(|b| b.len() > 6));
        assert_eq!(processed.original.file_type, FileType::Png);
    }

    #[test]
    fn a_bomb_is_refused_before_decoding() {
        let mut bomb = png(1, 1);
        // IHDR width and height (bytes 16..24); the CRC no longer matches, so decoders that
        // checked it would fail anyway: the claimed size must be refused first.
        bomb[16..20].copy_from_slice(&50_000u32.to_be_bytes());
        bomb[20..24].copy_from_slice(&50_000u32.to_be_bytes());
        let err = process(&bomb, None, &LIMITS).unwrap_err();
        assert!(
            matches!(
                err,
                MediaError::TooManyPixels { .. } | MediaError::Unreadable(_)
            ),
            "{err:?}"
        );
    }

    #[test]
    fn too_large_files_are_refused() {
        let limits = Limits {
            max_file_bytes: 10,
            ..LIMITS
        };
        let err = process(b"%PDF-1.7 and more than ten bytes", None, &limits).unwrap_err();
        assert!(matches!(err, MediaError::TooLarge { limit: 10, .. }));
    }
}
