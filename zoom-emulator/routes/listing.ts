import { z } from 'zod';

const DEFAULT_PAGE_SIZE = 30;
const MAX_PAGE_SIZE = 300;

// Clients often send an empty parameter for "none", which Zoom reads as absent.
export const emptyAsAbsent = (value: unknown) => (value === '' ? undefined : value);

/** The paging parameters every Zoom listing takes. */
export const pageQueryFields = {
  page_size: z.preprocess(emptyAsAbsent, z.coerce.number().int().min(1).optional()),
  next_page_token: z.preprocess(emptyAsAbsent, z.string().optional()),
};

/** Zoom defaults to 30 and quietly clamps anything larger than 300 rather than refusing it. */
export function pageSizeOf(asked: number | undefined): number {
  return Math.min(asked ?? DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE);
}
