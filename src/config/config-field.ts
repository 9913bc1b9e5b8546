/** One tyk.conf field as the field inventory describes it (rows of the generated tyk-conf-fields.ts). */
export interface ConfigField {
  /** JSON path, keys joined by dots. */
  path: string;
  /** JSON type from the inventory. */
  type: string;
  /** Go field names from config.Config down to this field, embedded struct names included. */
  goPath: string;
  goType: string;
  items?: string;
  values?: string;
  pointer?: boolean;
  deprecated?: boolean;
  default?: unknown;
  enum?: unknown[];
}
