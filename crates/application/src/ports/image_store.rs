use orderflow_domain::catalogue::ImageFormat;

/// Where uploaded images are kept (a folder under MEDIA_ROOT, served at /media/).
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
pub trait ImageStore: Send + Sync {
    /// Stores the bytes under a new name in `folder` and returns the path to serve them at, relative to the
    /// media root (`products/<uuid>.png`).
    fn save(&self, folder: &str, format: ImageFormat, bytes: &[u8]) -> Result<String, String>;

    /// Removes a stored image (when what it was stored for failed); a missing file is not an error.
    fn remove(&self, path: &str);
}
