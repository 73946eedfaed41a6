// Keeps a scroller at its bottom while what it shows grows, until the person scrolls up to read.

/**
 * An attachment for a scroller whose first child holds the growing content. A ResizeObserver fires after
 * layout, so reading the height there forces no extra layout (an effect per frame forced one each time).
 * While `hold()` is true the scroller stays where it is, and it goes to the bottom at the first growth
 * after: an answer reopened from history fills in from its start, and following it would run through
 * the whole text on screen.
 */
export function followBottom(hold: () => boolean = () => false): (scroller: HTMLElement) => () => void {
  return (scroller) => {
    let following = true;
    /** where this put the scroller last: only a person scrolls above it */
    let placedAt = 0;
    const toBottom = () => {
      scroller.scrollTop = scroller.scrollHeight;
      placedAt = scroller.scrollTop;
    };
    // A jump to the bottom can be followed by a scroll event that finds the bottom further down: blocks
    // that came into view (content-visibility) took their real height. That is not the person scrolling up.
    const onscroll = () => {
      if (scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < 40) following = true;
      else if (scroller.scrollTop < placedAt - 1) following = false;
    };
    const observer = new ResizeObserver(() => {
      if (following && !hold()) toBottom();
    });
    // the hold ends: to the bottom now, even if the last growth was out of sight (content-visibility) and resized nothing.
    // Only when it ends: at the start the observer's first report does it after layout, where reading the height
    // here made every panel's first render lay out the whole page in the middle of the mount.
    let held = false;
    $effect(() => {
      const now = hold();
      if (held && !now && following) toBottom();
      held = now;
    });
    if (scroller.firstElementChild) observer.observe(scroller.firstElementChild);
    scroller.addEventListener('scroll', onscroll, { passive: true });
    return () => {
      observer.disconnect();
      scroller.removeEventListener('scroll', onscroll);
    };
  };
}
