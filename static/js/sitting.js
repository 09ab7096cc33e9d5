// During a sitting, leaving the page asks first: closing the tab, going back
// out of the sitting, or following an address elsewhere. Moving within the
// sitting does not: the runner going where the server says, the review
// screen's links and the forms that agree or finish a part.
//
// The Navigation API names the destination of every navigation, the runner's
// own included, before the page is unloaded. A browser without it is not asked
// to confirm: it could not tell the runner's moves from leaving, and a
// candidate kept on a closed part by a question would lose time.
const sitting = document.body.dataset.sitting;
let movingWithin = false;

function withinSitting(url) {
  const target = new URL(url);
  return target.origin === window.location.origin
    && (target.pathname === sitting || target.pathname.startsWith(`${sitting}/`));
}

if (window.navigation) {
  window.navigation.addEventListener("navigate", (event) => {
    // A question's anchor on this page is no navigation away.
    if (!event.destination.sameDocument) movingWithin = withinSitting(event.destination.url);
  });
  window.addEventListener("beforeunload", (event) => {
    if (movingWithin) return;
    event.preventDefault();
    event.returnValue = ""; // browsers that predate preventDefault here ask only when this is set
  });
}
