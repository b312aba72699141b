use orderflow_domain::catalogue::ImageFormat;

/// Where uploaded images are kept (a folder under MEDIA_ROOT, served at /media/).
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
pub trait ImageStore: Send + Sync {
    /// Stores the bytes under a new name in `folder` and returns the path to serve them at, relative to the
    /// media root (`products/<uuid>.png`).
    fn save(
        &self,
        folder: &str,
        format: ImageFormat,
        bytes: &[u8],
    ) -> Result<String, ImageStoreError>;

    /// Removes a stored image (when what it was stored for failed); a missing file is not an error.
    fn remove(&self, path: &str);
}

/// Why an image could not be stored: what the store was doing, where, and the system's error. For the log: the
/// client only learns that the upload failed.
#[derive(Debug, thiserror::Error)]
#[error("cannot {action} {path}: {source}")]
pub struct ImageStoreError {
    /// `create`, `write` or `store` (the rename that publishes the file).
    pub action: &'static str,
    pub path: String,
    #[source]
    pub source: std::io::Error,
}
