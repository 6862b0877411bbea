declare namespace App {
  interface Locals {
    /** The view a page of a viewed route is rendered from (src/lib/site/page-views.ts). */
    pageView?: unknown;
  }
}
