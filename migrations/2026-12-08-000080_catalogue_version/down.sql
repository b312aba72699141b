DROP TRIGGER products_changed_move_catalogue_version ON products;
DROP TRIGGER products_added_or_removed_move_catalogue_version ON products;
DROP FUNCTION move_catalogue_version();
DROP TABLE catalogue_version;
