//! The `ImageStore` adapter: uploaded images on the local file system, under MEDIA_ROOT. A crate of its own: files
//! are not the database, and a deployment may swap this for an object store without touching persistence.
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used))]

use std::io::Write;
use std::path::{Path, PathBuf};

use orderflow_application::ports::{ImageStore, ImageStoreError};
use orderflow_domain::catalogue::ImageFormat;

pub struct FsImageStore {
    root: PathBuf,
}

impl FsImageStore {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Self { root: root.into() }
    }
}

impl ImageStore for FsImageStore {
    fn save(
        &self,
        folder: &str,
        format: ImageFormat,
        bytes: &[u8],
    ) -> Result<String, ImageStoreError> {
        let failed = |action, path: &Path| {
            let path = path.display().to_string();
            move |source| ImageStoreError {
                action,
                path,
                source,
            }
        };
        let directory = self.root.join(folder);
        std::fs::create_dir_all(&directory).map_err(failed("create", &directory))?;
        let name = format!("{}.{}", uuid::Uuid::new_v4().simple(), format.extension());
        // Written under a temporary name and renamed, so a half-written file is never served.
        let partial = directory.join(format!(".{name}.partial"));
        let mut file = std::fs::File::create(&partial).map_err(failed("write", &partial))?;
        file.write_all(bytes)
            .and_then(|()| file.sync_all())
            .map_err(failed("write", &partial))?;
        let published = directory.join(&name);
        std::fs::rename(&partial, &published).map_err(failed("store", &published))?;
        Ok(format!("{folder}/{name}"))
    }

    fn remove(&self, path: &str) {
        if !path.contains("..") {
            let _ = std::fs::remove_file(self.root.join(path));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stores_bytes_under_a_fresh_name_and_removes_them() {
        let root =
            std::env::temp_dir().join(format!("orderflow-media-{}", uuid::Uuid::new_v4().simple()));
        let store = FsImageStore::new(&root);
        let path = store
            .save("products", ImageFormat::Png, b"\x89PNG\r\n\x1a\n...")
            .unwrap();
        assert!(path.starts_with("products/") && path.ends_with(".png"));
        assert_eq!(
            std::fs::read(root.join(&path)).unwrap(),
            b"\x89PNG\r\n\x1a\n..."
        );
        let other = store.save("products", ImageFormat::Png, b"x").unwrap();
        assert_ne!(path, other);
        store.remove(&path);
        assert!(!root.join(&path).exists());
        let _ = std::fs::remove_dir_all(root);
    }

    #[test]
    fn a_folder_that_cannot_be_made_says_what_failed_where() {
        // MEDIA_ROOT is a file: no folder can be made under it.
        let root =
            std::env::temp_dir().join(format!("orderflow-media-{}", uuid::Uuid::new_v4().simple()));
        std::fs::write(&root, b"not a directory").unwrap();
        let error = FsImageStore::new(&root)
            .save("products", ImageFormat::Png, b"x")
            .unwrap_err();
        assert_eq!(error.action, "create");
        assert_eq!(error.path, root.join("products").display().to_string());
        assert!(error.to_string().starts_with("cannot create "), "{error}");
        let _ = std::fs::remove_file(root);
    }
}
