/**
 * createAppStore(api): one zustand store of slices with the Api injected, plus the React
 * context and hook components use. Tests build a store per test with a fake Api.
 */
import { createContext, createElement, useContext, type ReactNode } from 'react'
import { useStore } from 'zustand'
import { createStore, type StoreApi } from 'zustand/vanilla'

import type { Api } from '../../../electron/common/contract'
import { createJobsSlice } from './jobs-slice'
import { createProcessesSlice } from './processes-slice'
import { createSelectionSlice } from './selection-slice'
import { createSnapshotsSlice } from './snapshots-slice'
import type { AppState } from './types'
import { createUiSlice } from './ui-slice'

export type AppStore = StoreApi<AppState>

/** Creates the store and wires the contract's events into it. */
export function createAppStore(api: Api): AppStore {
  const store = createStore<AppState>()((...a) => ({
    ...createProcessesSlice(api)(...a),
    ...createSelectionSlice(api)(...a),
    ...createJobsSlice(api)(...a),
    ...createSnapshotsSlice(api)(...a),
    ...createUiSlice(api)(...a)
  }))
  api.subscribe('job.progress', (p) => store.getState().onJobProgress(p))
  api.subscribe('job.finished', (f) => store.getState().onJobFinished(f))
  api.subscribe('processes.changed', (c) => store.getState().applyChanges(c))
  return store
}

const StoreContext = createContext<AppStore | null>(null)

/** Provides the store to the component tree. */
export function StoreProvider(props: { store: AppStore; children: ReactNode }): ReactNode {
  return createElement(StoreContext.Provider, { value: props.store }, props.children)
}

/** Selects from the store; use narrow selectors (or useShallow) to limit re-renders. */
export function useAppStore<T>(selector: (s: AppState) => T): T {
  const store = useContext(StoreContext)
  if (!store) throw new Error('useAppStore outside StoreProvider')
  return useStore(store, selector)
}

/** The store itself, for event handlers that read the state when they run (no subscription). */
export function useAppStoreApi(): AppStore {
  const store = useContext(StoreContext)
  if (!store) throw new Error('useAppStoreApi outside StoreProvider')
  return store
}
