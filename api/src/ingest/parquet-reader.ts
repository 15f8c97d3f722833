/**
 * Parquet uploads: Parquet needs random access, so the body is spooled to a temporary file under
 * DATA_DIR first, then read row by row. (Filled in with the registry's Parquet export.)
 */
import { ApiError } from '../common/errors.js';
import type { ReaderItem } from './readers.js';

export async function readParquetUpload(_body: AsyncIterable<Buffer>, _dataDir: string): Promise<AsyncIterable<ReaderItem>> {
  throw new ApiError(415, 'Parquet upload is not available yet');
}
