/** A problem with one field of an input record, named by its JSON path ("entities[2].kind"). */
export interface FieldError {
  readonly field: string;
  readonly code: string;
  readonly message: string;
}
