// Keeps a scroller at its bottom while what it shows grows, until the person scrolls up to read.

/**
 * An attachment for a scroller whose first child holds the growing content. A ResizeObserver fires after
 * layout, so reading the height there forces no extra layout (an effect per frame forced one each time).
 */
export function followBottom(scroller: HTMLElement): () => void {
  let following = true;
  const onscroll = () => {
    following = scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < 40;
  };
  const observer = new ResizeObserver(() => {
    if (following) scroller.scrollTop = scroller.scrollHeight;
  });
  if (scroller.firstElementChild) observer.observe(scroller.firstElementChild);
  scroller.addEventListener('scroll', onscroll, { passive: true });
  return () => {
    observer.disconnect();
    scroller.removeEventListener('scroll', onscroll);
  };
}
