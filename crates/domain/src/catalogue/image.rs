//! Uploaded images: recognised by their bytes, never by their name or declared type.

/// The formats accepted for product and category images.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(rename_all = "snake_case")
)]
#[non_exhaustive]
pub enum ImageFormat {
    /// `image/png`, saved as `.png`.
    Png,
    /// `image/jpeg`, saved as `.jpg`.
    Jpeg,
    /// `image/webp`, saved as `.webp`.
    Webp,
}

/// The largest image accepted: 5 MiB.
pub const MAX_IMAGE_BYTES: usize = 5 * 1024 * 1024;

impl ImageFormat {
    /// The format the content actually is, from its signature; `None` for anything else.
    pub fn sniff(bytes: &[u8]) -> Option<ImageFormat> {
        const PNG: &[u8] = &[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];
        if bytes.starts_with(PNG) {
            Some(ImageFormat::Png)
        } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
            Some(ImageFormat::Jpeg)
        } else if bytes.len() >= 12 && &bytes[0..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
            Some(ImageFormat::Webp)
        } else {
            None
        }
    }

    /// The extension a stored image gets, whatever the uploaded file was called.
    pub fn extension(self) -> &'static str {
        match self {
            ImageFormat::Png => "png",
            ImageFormat::Jpeg => "jpg",
            ImageFormat::Webp => "webp",
        }
    }

    /// The content type a stored image is served with.
    pub fn mime_type(self) -> &'static str {
        match self {
            ImageFormat::Png => "image/png",
            ImageFormat::Jpeg => "image/jpeg",
            ImageFormat::Webp => "image/webp",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_png_jpeg_and_webp_by_their_signatures() {
        assert_eq!(
            ImageFormat::sniff(b"\x89PNG\r\n\x1a\nrest"),
            Some(ImageFormat::Png)
        );
        assert_eq!(
            ImageFormat::sniff(b"\xFF\xD8\xFF\xE0JFIF"),
            Some(ImageFormat::Jpeg)
        );
        assert_eq!(
            ImageFormat::sniff(b"RIFF\x10\x00\x00\x00WEBPVP8 "),
            Some(ImageFormat::Webp)
        );
    }

    #[test]
    fn anything_else_is_refused_whatever_its_name() {
        assert_eq!(ImageFormat::sniff(b"just some text, named photo.png"), None);
        assert_eq!(ImageFormat::sniff(b"GIF89a"), None);
        assert_eq!(ImageFormat::sniff(b"RIFF\x10\x00\x00\x00WAVE"), None);
        assert_eq!(ImageFormat::sniff(b""), None);
    }
}
