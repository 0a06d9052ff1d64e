//! The type of a file, read from its first bytes (magic numbers). The file name and the
//! declared Content-Type are never trusted; a name only tells CSV from other plain text.

/// Every type an upload may have.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileType {
    /// JPEG image.
    Jpeg,
    /// PNG image.
    Png,
    /// GIF image.
    Gif,
    /// WebP image.
    Webp,
    /// PDF document.
    Pdf,
    /// Word document (OOXML).
    Docx,
    /// Excel workbook (OOXML).
    Xlsx,
    /// PowerPoint presentation (OOXML).
    Pptx,
    /// OpenDocument text.
    Odt,
    /// OpenDocument spreadsheet.
    Ods,
    /// OpenDocument presentation.
    Odp,
    /// UTF-8 plain text.
    Text,
    /// Comma-separated values.
    Csv,
    /// MP4 video.
    Mp4,
    /// WebM video.
    Webm,
    /// MP3 audio.
    Mp3,
    /// Ogg audio.
    Ogg,
}

/// The Mastodon attachment type of a file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MediaKind {
    /// A still image.
    Image,
    /// A video.
    Video,
    /// Sound.
    Audio,
    /// Any other file (documents).
    Unknown,
}

impl MediaKind {
    /// The name in the client API (`image`, `video`, `audio`, `unknown`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Image => "image",
            Self::Video => "video",
            Self::Audio => "audio",
            Self::Unknown => "unknown",
        }
    }

    /// Reads a stored name; anything unknown is [`MediaKind::Unknown`].
    pub fn parse(text: &str) -> Self {
        match text {
            "image" => Self::Image,
            "video" => Self::Video,
            "audio" => Self::Audio,
            _ => Self::Unknown,
        }
    }
}

const ALL: [FileType; 17] = [
    FileType::Jpeg,
    FileType::Png,
    FileType::Gif,
    FileType::Webp,
    FileType::Pdf,
    FileType::Docx,
    FileType::Xlsx,
    FileType::Pptx,
    FileType::Odt,
    FileType::Ods,
    FileType::Odp,
    FileType::Text,
    FileType::Csv,
    FileType::Mp4,
    FileType::Webm,
    FileType::Mp3,
    FileType::Ogg,
];

impl FileType {
    /// The MIME type files of this type are served with.
    pub fn content_type(self) -> &'static str {
        match self {
            Self::Jpeg => "image/jpeg",
            Self::Png => "image/png",
            Self::Gif => "image/gif",
            Self::Webp => "image/webp",
            Self::Pdf => "application/pdf",
            Self::Docx => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            Self::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            Self::Pptx => {
                "application/vnd.openxmlformats-officedocument.presentationml.presentation"
            }
            Self::Odt => "application/vnd.oasis.opendocument.text",
            Self::Ods => "application/vnd.oasis.opendocument.spreadsheet",
            Self::Odp => "application/vnd.oasis.opendocument.presentation",
            Self::Text => "text/plain; charset=utf-8",
            Self::Csv => "text/csv; charset=utf-8",
            Self::Mp4 => "video/mp4",
            Self::Webm => "video/webm",
            Self::Mp3 => "audio/mpeg",
            Self::Ogg => "audio/ogg",
        }
    }

    /// The file name extension stored keys end with.
    pub fn extension(self) -> &'static str {
        match self {
            Self::Jpeg => "jpg",
            Self::Png => "png",
            Self::Gif => "gif",
            Self::Webp => "webp",
            Self::Pdf => "pdf",
            Self::Docx => "docx",
            Self::Xlsx => "xlsx",
            Self::Pptx => "pptx",
            Self::Odt => "odt",
            Self::Ods => "ods",
            Self::Odp => "odp",
            Self::Text => "txt",
            Self::Csv => "csv",
            Self::Mp4 => "mp4",
            Self::Webm => "webm",
            Self::Mp3 => "mp3",
            Self::Ogg => "ogg",
        }
    }

    /// The type a stored key's extension names.
    pub fn from_extension(extension: &str) -> Option<Self> {
        ALL.into_iter().find(|t| t.extension() == extension)
    }

    /// The attachment type files of this type have.
    pub fn kind(self) -> MediaKind {
        match self {
            Self::Jpeg | Self::Png | Self::Gif | Self::Webp => MediaKind::Image,
            Self::Mp4 | Self::Webm => MediaKind::Video,
            Self::Mp3 | Self::Ogg => MediaKind::Audio,
            _ => MediaKind::Unknown,
        }
    }

    /// Whether browsers may show the file inline (images, video and audio); others are
    /// served as downloads.
    pub fn is_inline(self) -> bool {
        self.kind() != MediaKind::Unknown
    }
}

/// The type of `bytes`, or a short description of what was found when it is not accepted.
/// `file_name` is only used to tell CSV from other plain text.
pub fn sniff(bytes: &[u8], file_name: Option<&str>) -> Result<FileType, String> {
    let starts = |magic: &[u8]| bytes.starts_with(magic);
    if starts(&[0xFF, 0xD8, 0xFF]) {
        return Ok(FileType::Jpeg);
    }
    if starts(b"\x89PNG\r\n\x1a\n") {
        return Ok(FileType::Png);
    }
    if starts(b"GIF87a") || starts(b"GIF89a") {
        return Ok(FileType::Gif);
    }
    if starts(b"RIFF") && bytes.get(8..12) == Some(b"WEBP") {
        return Ok(FileType::Webp);
    }
    if starts(b"%PDF-") {
        return Ok(FileType::Pdf);
    }
    if starts(b"PK\x03\x04") {
        return zip_document(bytes).ok_or_else(|| "a ZIP archive".to_string());
    }
    if bytes.get(4..8) == Some(b"ftyp") {
        let brand = bytes.get(8..12).unwrap_or_default();
        return match brand {
            b"isom" | b"iso2" | b"iso4" | b"iso5" | b"iso6" | b"mp41" | b"mp42" | b"avc1"
            | b"M4V " | b"dash" => Ok(FileType::Mp4),
            _ => Err(format!(
                "an ISO media file of brand {:?}",
                String::from_utf8_lossy(brand)
            )),
        };
    }
    if starts(&[0x1A, 0x45, 0xDF, 0xA3]) {
        let head = &bytes[..bytes.len().min(64)];
        return if head.windows(4).any(|w| w == b"webm") {
            Ok(FileType::Webm)
        } else {
            Err("a Matroska file".into())
        };
    }
    if starts(b"ID3") || (bytes.len() > 2 && bytes[0] == 0xFF && bytes[1] & 0xE6 == 0xE2) {
        return Ok(FileType::Mp3);
    }
    if starts(b"OggS") {
        return Ok(FileType::Ogg);
    }
    if let Some(text) = plain_text(bytes) {
        let first = text
            .trim_start_matches('\u{feff}')
            .trim_start()
            .chars()
            .next();
        if first == Some('<') {
            return Err("markup (HTML, XML or SVG)".into());
        }
        let is_csv = file_name.is_some_and(|n| n.to_ascii_lowercase().ends_with(".csv"));
        return Ok(if is_csv {
            FileType::Csv
        } else {
            FileType::Text
        });
    }
    Err("an unrecognised binary file".into())
}

/// The text of `bytes` when they are UTF-8 without control characters other than
/// whitespace.
fn plain_text(bytes: &[u8]) -> Option<&str> {
    if bytes.is_empty() {
        return None;
    }
    let text = std::str::from_utf8(bytes).ok()?;
    let clean = text
        .chars()
        .all(|c| !c.is_control() || matches!(c, '\n' | '\r' | '\t' | '\u{c}'));
    clean.then_some(text)
}

/// An office document inside a ZIP archive, recognised by its entries: OpenDocument's first
/// `mimetype` entry, or OOXML's main part named in the central directory.
fn zip_document(bytes: &[u8]) -> Option<FileType> {
    if bytes.get(30..38) == Some(b"mimetype") {
        let rest = &bytes[38..bytes.len().min(120)];
        let odf = b"application/vnd.oasis.opendocument.";
        if let Some(pos) = rest.windows(odf.len()).position(|w| w == odf) {
            let kind = &rest[pos + odf.len()..];
            if kind.starts_with(b"text") {
                return Some(FileType::Odt);
            }
            if kind.starts_with(b"spreadsheet") {
                return Some(FileType::Ods);
            }
            if kind.starts_with(b"presentation") {
                return Some(FileType::Odp);
            }
        }
        return None;
    }
    let mut found = None;
    let mut at = 0;
    while let Some(pos) = find(&bytes[at..], b"PK\x01\x02") {
        let entry = at + pos;
        let name_len = bytes
            .get(entry + 28..entry + 30)
            .map(|b| u16::from_le_bytes([b[0], b[1]]) as usize)?;
        let name = bytes.get(entry + 46..entry + 46 + name_len)?;
        found = match name {
            b"word/document.xml" => Some(FileType::Docx),
            b"xl/workbook.xml" => Some(FileType::Xlsx),
            b"ppt/presentation.xml" => Some(FileType::Pptx),
            _ => found,
        };
        at = entry + 4;
    }
    found
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_come_from_the_bytes_not_the_name() {
        assert_eq!(
            sniff(b"\xFF\xD8\xFF\xE0rest", Some("x.txt")),
            Ok(FileType::Jpeg)
        );
        assert_eq!(sniff(b"%PDF-1.7\n", Some("x.png")), Ok(FileType::Pdf));
        assert_eq!(sniff(b"a,b\n1,2\n", Some("table.csv")), Ok(FileType::Csv));
        assert_eq!(sniff(b"hello\n", Some("note.png")), Ok(FileType::Text));
        assert!(sniff(b"<!DOCTYPE html><script>", Some("cat.png")).is_err());
        assert!(sniff(b"  <svg xmlns='http://www.w3.org/2000/svg'/>", None).is_err());
        assert!(sniff(b"MZ\x90\x00\x03\x00\x00\x00", Some("a.pdf")).is_err());
        assert!(sniff(b"\x7fELF\x02\x01\x01", None).is_err());
    }

    #[test]
    fn office_documents_are_recognised_inside_zip() {
        let mut odt = b"PK\x03\x04".to_vec();
        odt.resize(30, 0);
        odt.extend_from_slice(b"mimetypeapplication/vnd.oasis.opendocument.text");
        assert_eq!(sniff(&odt, None), Ok(FileType::Odt));
        let mut docx = b"PK\x03\x04".to_vec();
        docx.resize(64, 0);
        let mut central = b"PK\x01\x02".to_vec();
        central.resize(46, 0);
        central[28] = 17;
        central.extend_from_slice(b"word/document.xml");
        docx.extend_from_slice(&central);
        assert_eq!(sniff(&docx, None), Ok(FileType::Docx));
        assert!(sniff(b"PK\x03\x04plain zip", None).is_err());
    }
}
