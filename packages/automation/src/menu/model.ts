// The in-memory menu the parsers produce and the exporter reads; the DB storage maps it onto the
// menus / categories / menu_items / item_images tables.

export type DishType = 'standard' | 'combo';

export interface MenuImage {
  /** The platform's image URL the menu came with (item_images.url). */
  url: string | null;
  /** UploadCare id and filename once uploaded (item_images.cdn_id / cdn_filename). */
  cdnId: string | null;
  cdnFilename: string | null;
}

export interface MenuItem {
  name: string;
  description: string | null;
  priceCents: number;
  /** `priceCents` as the CSV writes it: "12.50". */
  price: string;
  type: DishType;
  tags: string[];
  displayName: string | null;
  printName: string | null;
  image: MenuImage | null;
  /** 1-based data row in the source (header excluded), for messages. */
  sourceRow: number;
}

export interface MenuCategory {
  name: string;
  description: string | null;
  items: MenuItem[];
}

export interface Menu {
  name: string;
  categories: MenuCategory[];
  /** Rows of promotional categories dropped because the dish is also in a real category. */
  droppedPromotionalRows: number;
}

/** One source row before cleaning: what a CSV row or a store-page dish says, as text. */
export interface MenuRow {
  row: number;
  line: number;
  menuName: string;
  category: string;
  categoryDescription: string;
  name: string;
  price: string;
  type: string;
  description: string;
  displayName: string;
  printName: string;
  tags: string;
  imageUrl: string;
  cdnId: string;
  cdnFilename: string;
}

export class MenuFormatError extends Error {
  readonly code = 'MENU_INVALID';
  readonly retryable = false;
  constructor(
    message: string,
    readonly row: number | null,
    readonly line: number | null,
    readonly field: string | null,
  ) {
    super(message);
  }
}

export function menuItemCount(menu: Menu): number {
  return menu.categories.reduce((n, c) => n + c.items.length, 0);
}
