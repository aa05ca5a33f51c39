/** The combined store type, so each slice can read and call the others. */
import type { StateCreator } from 'zustand'

import type { Api } from '../../../electron/common/contract'
import type { JobsSlice } from './jobs-slice'
import type { ProcessesSlice } from './processes-slice'
import type { SelectionSlice } from './selection-slice'
import type { SnapshotsSlice } from './snapshots-slice'
import type { UiSlice } from './ui-slice'

export type AppState = ProcessesSlice & SelectionSlice & JobsSlice & SnapshotsSlice & UiSlice

/** A slice creator with the Api injected (zustand slices pattern + initialize-with-props). */
export type SliceCreator<T> = (api: Api) => StateCreator<AppState, [], [], T>
