//! The page's style and script, inline (the page asks for nothing over the network). Kept in
//! a file of their own: long single lines of CSS and JavaScript that the Rust around them
//! does not need to be read with.

/// The page's style: light, system fonts, tabular figures; the bars' colours are the key's.
pub(super) const CSS: &str = r#"
:root{color-scheme:light dark;--bg:#fff;--fg:#1f2328;--mute:#59636e;--faint:#9aa4ae;--rule:#d1d9e0;--line:#eef1f4;--soft:#f6f8fa;--hover:#f3f7fd;--link:#0969da;--inc:#d1242f;--free:#1a7f37;--freebg:#dafbe1;--peak:#8250df;--alloc:#54aeff;--mark:#fff8c5;--kw:#cf222e;--str:#0a3069;--com:#6e7781;--num:#0550ae;--mac:#8250df;--ty:#953800;--attr:#6639ba}
@media (prefers-color-scheme:dark){:root{--bg:#0d1117;--fg:#e6edf3;--mute:#9198a1;--faint:#656c76;--rule:#30363d;--line:#21262d;--soft:#161b22;--hover:#161f2d;--link:#4493f8;--inc:#f85149;--free:#3fb950;--freebg:#12351f;--peak:#a371f7;--alloc:#388bfd;--mark:#3b2e0a;--kw:#ff7b72;--str:#a5d6ff;--com:#8b949e;--num:#79c0ff;--mac:#d2a8ff;--ty:#ffa657;--attr:#d2a8ff}}
*{box-sizing:border-box}
body{margin:0;font:14px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:var(--fg);background:var(--bg)}
code,td.t code{font:12.5px/1.45 ui-monospace,SFMono-Regular,"SF Mono",Menlo,Consolas,"DejaVu Sans Mono","Liberation Mono",monospace}
a{color:var(--link);text-decoration:none}a:hover{text-decoration:underline}
header.top{background:linear-gradient(120deg,#0b2e6f 0%,#1f5fc4 55%,#6d3fc0 100%);color:#fff;padding:22px 32px 0}
header.top h1{margin:0;font-size:26px;font-weight:650;letter-spacing:-.01em}
.brand{display:block;font-size:11.5px;font-weight:650;letter-spacing:.12em;text-transform:uppercase;opacity:.75;margin-bottom:2px}
header.top .facts{margin:6px 0 4px;font-size:15px;opacity:.95}
header.top .facts b{font-weight:650}
header.top code{font-size:14px;background:rgba(255,255,255,.16);padding:1px 5px;border-radius:4px}
header.top .note{margin:4px 0;opacity:.9}
nav{display:flex;gap:4px;margin-top:14px;flex-wrap:wrap}
nav a{color:#fff;padding:8px 16px;border-radius:8px 8px 0 0;background:rgba(255,255,255,.13);font-weight:550}
nav a:hover{background:rgba(255,255,255,.26);text-decoration:none}
main{padding:6px 32px 32px}
section{margin-top:26px}
h2{font-size:19px;font-weight:650;margin:22px 0 10px;padding-bottom:6px;border-bottom:1px solid var(--rule)}
h2 small,h3 small{font-size:13px;font-weight:400;color:var(--mute);margin-left:6px}
.scroll{overflow-x:auto;max-width:100%}
table{border-collapse:collapse;font-variant-numeric:tabular-nums}
th{font-size:12px;font-weight:600;color:var(--mute);text-align:right;padding:6px 10px;border-bottom:2px solid var(--rule);white-space:nowrap;background:var(--bg);vertical-align:bottom}
td{padding:2px 10px;text-align:right;white-space:nowrap;border-bottom:1px solid var(--line)}
th.t,td.t,table.source td:last-child,table.all td:first-child,table.all td:last-child{text-align:left}
td.neg{color:var(--free)}
tbody tr:hover td{background-color:var(--hover)}
tr:target td{background-color:var(--mark)!important}
article.function:target{box-shadow:0 0 0 3px #f2cc60}
th.bars,td.bars{width:170px;min-width:170px;padding:2px 12px 2px 6px}
td.bars{--ic:var(--inc);background:linear-gradient(var(--ic),var(--ic)) 6px 2px/calc(var(--i,0)*(100% - 18px)) 4px no-repeat,linear-gradient(var(--peak),var(--peak)) 6px 8px/calc(var(--p,0)*(100% - 18px)) 4px no-repeat,linear-gradient(var(--alloc),var(--alloc)) 6px 14px/calc(var(--a,0)*(100% - 18px)) 4px no-repeat}
td.bars.fr{--ic:var(--free)}
table.summary td.bars{background:linear-gradient(var(--alloc),var(--alloc)) 6px 50%/calc(var(--a,0)*(100% - 18px)) 10px no-repeat}
.k.i{background:var(--inc)}.k.f{background:var(--free)}.k.p{background:var(--peak)}.k.a{background:var(--alloc)}
.key{color:var(--mute);margin:4px 0 10px}
.key .k{display:inline-block;width:18px;height:8px;border-radius:2px;margin:0 5px 0 10px;vertical-align:middle}
.key .k:first-child{margin-left:4px}
article.function{border:1px solid var(--rule);border-radius:10px;margin:18px 0;overflow:hidden;box-shadow:0 1px 2px rgba(31,35,40,.06)}
article.function h3{margin:0;padding:12px 16px 0;font-size:17px}
article.function h3 a{color:var(--fg);font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,"DejaVu Sans Mono",monospace}
article.function>.where{margin:2px 16px 10px}
article.function table{width:100%}
article.function th{background:var(--soft);border-top:1px solid var(--rule)}
.where{color:var(--mute);margin:2px 0 10px}
.where b{color:var(--fg)}
table.source td{border-bottom:none;padding-top:1px;padding-bottom:1px}
table.source td:first-child{color:var(--faint)}
table.source td:last-child{width:100%}
table.source code{white-space:pre}
tr.idle td,tr.idle td code *{color:var(--faint)!important}
tr.entry td{color:var(--mute)}
tr.close td{border-top:1px dashed var(--rule)}
.freed{margin-left:14px;font-size:12px;color:var(--free);background:var(--freebg);border-radius:10px;padding:0 8px}
.badge{font-size:12px;font-weight:500;background:#ffebe9;color:#a40e26;border-radius:10px;padding:1px 8px;vertical-align:middle}
.note{color:var(--mute);font-size:13px}
article.function>.note{margin:6px 16px}
code b,code i,code u,code s,code em,code var,code dfn{font:inherit;text-decoration:none;font-style:normal;font-weight:inherit}
code b{color:var(--kw)}code i{color:var(--str)}code u{color:var(--com);font-style:italic}code s{color:var(--num)}code em{color:var(--mac)}code var{color:var(--ty)}code dfn{color:var(--attr)}
.search{display:none;margin:0 0 10px;color:var(--mute)}
html.js .search{display:block}
#q{font:inherit;font-size:14px;padding:6px 10px;width:min(420px,100%);border:1px solid var(--rule);border-radius:6px;margin-right:8px}
#q:focus{outline:2px solid var(--link);outline-offset:-1px}
html.js table.all th{cursor:pointer;user-select:none}
html.js table.all th:hover{color:var(--fg)}
table.all th[aria-sort=descending]::after{content:" \25BE"}
table.all th[aria-sort=ascending]::after{content:" \25B4"}
table.all thead th{position:sticky;top:0;z-index:1}
table.all td:last-child{font:12.5px/1.45 ui-monospace,SFMono-Regular,"SF Mono",Menlo,Consolas,"DejaVu Sans Mono","Liberation Mono",monospace;max-width:80ch;overflow:hidden;text-overflow:ellipsis}
a.fn,table.all td:first-child a{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,"DejaVu Sans Mono",monospace;font-size:12.5px}
figure.plot{margin:0}
figure.plot svg{width:100%;max-width:1200px;height:auto;display:block;font:12px system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif}
.grid line{stroke:var(--line);stroke-width:1}.grid text{fill:var(--mute)}
.axis{stroke:var(--faint);stroke-width:1}
.mem{fill:none;stroke:var(--fg);stroke-width:1.6;stroke-linejoin:round}
.area{fill:#1f5fc4;fill-opacity:.08}
.peak{fill:#d1242f}
.band{fill-opacity:.10}.lane{fill-opacity:.9}
.calls a:hover .band{fill-opacity:.22}
.lane-label{fill:#fff;font-size:11px;font-weight:600;pointer-events:none}
.legend{list-style:none;padding:0;margin:8px 0;display:flex;flex-wrap:wrap;gap:6px 22px}
.swatch{display:inline-block;width:12px;height:12px;border-radius:3px;margin-right:6px;vertical-align:-1px}
footer{color:var(--mute);font-size:12.5px;padding:18px 32px 28px;border-top:1px solid var(--rule)}
"#;

/// The page's script: sorts the table of every line by a clicked heading and filters it by the
/// search box. The page reads the same without it.
pub(super) const SCRIPT: &str = r#"
(function(){
var d=document;d.documentElement.className+=' js';
var t=d.getElementById('all');if(!t)return;
var body=t.tBodies[0],rows=[].slice.call(body.rows),heads=t.tHead.rows[0].cells,q=d.getElementById('q'),shown=d.getElementById('shown');
rows.forEach(function(r,i){r._i=i;r._s=(r.cells[0].textContent+' '+r.cells[r.cells.length-1].textContent).toLowerCase();});
function value(r,c){var cell=r.cells[c],v=cell.getAttribute('data-v');return v===null?cell.textContent.toLowerCase():+v;}
function sort(c){
var h=heads[c],now=h.getAttribute('aria-sort'),dir=now?(now==='descending'?1:-1):(h.hasAttribute('data-num')?-1:1);
for(var k=0;k<heads.length;k++)heads[k].removeAttribute('aria-sort');
h.setAttribute('aria-sort',dir<0?'descending':'ascending');
rows.sort(function(x,y){var a=value(x,c),b=value(y,c);return (a<b?-dir:a>b?dir:0)||x._i-y._i;});
var f=d.createDocumentFragment();rows.forEach(function(r){f.appendChild(r);});body.appendChild(f);}
[].forEach.call(heads,function(h,c){h.tabIndex=0;h.addEventListener('click',function(){sort(c);});h.addEventListener('keydown',function(e){if(e.key==='Enter'||e.key===' '){e.preventDefault();sort(c);}});});
function filter(){var s=q.value.trim().toLowerCase(),n=0;rows.forEach(function(r){var on=!s||r._s.indexOf(s)>=0;r.hidden=!on;if(on)n++;});shown.textContent=n;}
q.addEventListener('input',filter);filter();
})();
"#;
