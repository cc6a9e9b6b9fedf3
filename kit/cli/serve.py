"""testlab serve: the dashboards on Voilà."""

from __future__ import annotations


def register(sub) -> None:
    p = sub.add_parser(
        "serve",
        help="serve the lab dashboards with Voilà (index page at http://127.0.0.1:PORT/)",
        description="Publish every lab's notebook (Swedish and English) into a site folder and serve "
        "it with Voilà in production settings: no tracebacks or code shown, only images downloadable, "
        "preheated kernels, a closed page's kernel released within a minute, a cap on kernels. Listens on 127.0.0.1 only.",
    )
    p.add_argument("--port", type=int, default=8866, help="port (default 8866)")
    p.add_argument(
        "--dir", metavar="DIR", help="site folder to publish into and serve (default build/site)"
    )
    p.add_argument(
        "--lang", default="sv", choices=["sv", "en"], help="index page language (default sv)"
    )
    p.add_argument(
        "--no-preheat", action="store_true", help="start kernels on request instead of ahead"
    )
    p.add_argument(
        "--max-kernels",
        type=int,
        metavar="N",
        help="at most N viewers' kernels at once; beyond, a 'busy, retrying' page that reloads "
        "itself (default: min(2 x cores + 2, available memory / 250 MB), printed at start; "
        "0: no cap)",
    )
    p.add_argument(
        "--pool-size",
        type=int,
        default=1,
        metavar="N",
        help="preheated kernels waiting per dashboard (default 1; about 200 MB each)",
    )
    p.add_argument(
        "--pool",
        action="append",
        default=[],
        metavar="DASHBOARD=N",
        help="more (or fewer) preheated kernels for one dashboard, e.g. --pool lead-times=10 "
        "for a meeting where ten people open it at once (lead-times.en for the English copy; "
        "repeatable)",
    )
    p.add_argument(
        "--tiles",
        metavar="URL",
        help="basemap tile URL template with {z}, {x}, {y}, or 'none' (default: $TESTLAB_TILES "
        "or OpenStreetMap; Lantmäteriet's open topographic map: see README, Basemap)",
    )
    p.set_defaults(func=run)


def _pools(specs: list[str]) -> dict[str, int]:
    from kit.errors import UsageError

    pools = {}
    for spec in specs:
        name, _, size = spec.partition("=")
        if not name or not size.isdigit():
            raise UsageError(f"--pool {spec}: expected DASHBOARD=N, e.g. lead-times=10")
        pools[name] = int(size)
    return pools


def run(args) -> int:
    from pathlib import Path

    from kit.labs.site import serve

    if args.tiles:
        import os

        from kit.config import TILES_ENV

        os.environ[TILES_ENV] = args.tiles  # the kernels inherit it

    return serve(
        args.port,
        Path(args.dir) if args.dir else None,
        lang=args.lang,
        preheat=not args.no_preheat,
        max_kernels=args.max_kernels,
        pool_size=args.pool_size,
        pools=_pools(args.pool),
    )
