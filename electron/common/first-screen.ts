/**
 * The first screen of the process list over plain HTTP (`icebox serve`): the page's response
 * names it in a Link preload header, so the browser asks for it while the scripts load instead
 * of after the WebSocket has opened. The page and the header build the same URL, so the page's
 * fetch takes the preloaded answer.
 */

/** Rows of the first screen: a tall window's worth, with room for hidden kernel threads. */
export const FIRST_SCREEN_ROWS = 120
export const FIRST_SCREEN_PATH = '/first-screen.json'

/** The URL relative to the page; `token` as the page got it in its query, if it did. */
export function firstScreenUrl(token: string | null): string {
  return `.${FIRST_SCREEN_PATH}${token !== null ? `?token=${encodeURIComponent(token)}` : ''}`
}
