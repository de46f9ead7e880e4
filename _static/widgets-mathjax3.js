/* The ipywidgets HTML manager typesets widget labels through MathJax 2's API,
 * MathJax.Hub.Queue(["Typeset", MathJax.Hub, element]), whenever window.MathJax exists.
 * The book's pages load MathJax 3, which has no Hub: the call throws and the stored widget
 * views never render. This bridge maps that one call onto MathJax 3's typesetPromise. The
 * manager renders on the window's load event, after MathJax (a deferred script) has loaded
 * and this bridge is installed on DOMContentLoaded.
 */
(function () {
  "use strict";

  function installHub() {
    const mathjax = window.MathJax;
    if (!mathjax || mathjax.Hub || typeof mathjax.typesetPromise !== "function") {
      return;
    }
    mathjax.Hub = {
      Queue(...jobs) {
        for (const job of jobs) {
          if (Array.isArray(job) && job[0] === "Typeset" && job[2]) {
            mathjax.startup.promise.then(() => mathjax.typesetPromise([job[2]]));
          }
        }
      },
    };
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", installHub);
  } else {
    installHub();
  }
})();
