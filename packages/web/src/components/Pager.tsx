// Page switcher under a paginated list: nothing when everything fits on one page.
import { Pagination } from '@mantine/core';

export function Pager({
  total,
  pageSize,
  page,
  onChange,
  label,
  size,
}: {
  total: number;
  pageSize: number;
  page: number;
  onChange: (page: number) => void;
  label: string;
  size?: 'sm';
}) {
  const pages = Math.ceil(total / pageSize);
  if (pages <= 1) return null;
  return <Pagination size={size ?? 'md'} total={pages} value={page} onChange={onChange} aria-label={label} />;
}
