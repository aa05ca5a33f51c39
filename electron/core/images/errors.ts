/**
 * The one error type of the image decoder: which file, at which byte, and what was wrong.
 */
import { AppError } from '../../common/errors'

/** A damaged, truncated or hostile image. `offset` is the byte offset in `file`. */
export class ImageError extends AppError {
  readonly file: string
  readonly offset: number
  readonly reason: string

  constructor(file: string, offset: number, reason: string) {
    super({
      code: 'IMAGE_DAMAGED',
      message: `CRIU image ${file} is damaged at byte ${offset}: ${reason}`,
      why: 'The snapshot files were cut short, changed, or written by an incompatible program.',
      remedy: 'Restore from another snapshot; this one cannot be read safely.',
      detail: `${file}@${offset}`
    })
    this.name = 'ImageError'
    this.file = file
    this.offset = offset
    this.reason = reason
  }
}
